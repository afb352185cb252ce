import { ElasticsearchException, statusException } from '../../errors/elasticsearch-exception';

/** `AbstractPyTorchAction.onFailure(String)`: an error result from the inference process. */
export const inferenceProcessError = (error: string): ElasticsearchException =>
  statusException(500, `Error in inference process: [${error}]`);

/**
 * What `PyTorchResultProcessor` answers requests still pending when its process
 * stops or crashes (a crash first signals the intent to stop).
 */
export const processStopping = (): ElasticsearchException => inferenceProcessError('inference canceled as process is stopping');
