import { ElasticsearchException } from './elasticsearch-exception';
import { stackTraceOf } from './stack-trace';

describe('stack_trace under ?error_trace=true', () => {
  it("starts as the exception's toString(): Elasticsearch's SimpleName[reason], the JDK's qualified name", () => {
    expect(stackTraceOf('resource_not_found_exception', 'Inference endpoint not found [x]')).toBe(
      'ResourceNotFoundException[Inference endpoint not found [x]]',
    );
    expect(stackTraceOf('status_exception', 'Unknown service [foo]')).toBe('ElasticsearchStatusException[Unknown service [foo]]');
    expect(stackTraceOf('illegal_argument_exception', 'bad')).toBe('java.lang.IllegalArgumentException: bad');
    expect(stackTraceOf('parse_exception', 'Failed to parse content to map', { type: 'json_parse_exception', reason: 'Unexpected' })).toBe(
      'ElasticsearchParseException[Failed to parse content to map]; nested: JsonParseException[Unexpected];',
    );
  });

  it('is written last in every error object, and only when asked for', () => {
    const exception = new ElasticsearchException(400, 'parse_exception', 'outer', { type: 'json_parse_exception', reason: 'inner' });
    expect(JSON.stringify(exception.toJSON())).not.toContain('stack_trace');
    const { error } = exception.toJSON(true);
    expect(Object.keys(error)).toEqual(['root_cause', 'type', 'reason', 'caused_by', 'stack_trace']);
    expect(Object.keys(error.root_cause[0])).toEqual(['type', 'reason', 'stack_trace']);
    expect(error.caused_by).toEqual({
      type: 'json_parse_exception',
      reason: 'inner',
      stack_trace: 'com.fasterxml.jackson.core.JsonParseException: inner',
    });
  });
});
