import type { IncomingMessage } from 'node:http';
import type { HttpExchange, RequestFault } from '../../http/app';
import { ModelRepositorySource, ThrottledRepositorySource } from '../../model/repository';
import { FaultRules } from './fault-rules';
import { ExchangeJournal, JournalOptions } from './journal';
import { requestFaults } from './request-faults';

export interface ControlPlaneOptions {
  journal?: JournalOptions;
}

/** What `/__mock`'s control routes act on, and the hooks through which it reaches the server's traffic. */
export class ControlPlane {
  readonly journal: ExchangeJournal;
  readonly faults = new FaultRules();
  /** `createHttpApp`'s `faultFor`. */
  readonly faultFor: (request: IncomingMessage) => RequestFault | undefined;

  constructor(options: ControlPlaneOptions = {}) {
    this.journal = new ExchangeJournal(options.journal);
    this.faultFor = requestFaults(this.faults);
  }

  /** `createHttpApp`'s `onExchange`: none when the journal keeps nothing, so that requests pay nothing for it. */
  get onExchange(): ((exchange: HttpExchange) => void) | undefined {
    return this.journal.capacity > 0 ? this.journal.record : undefined;
  }

  /** The source model downloads read from, slowed down or stalled by download faults. */
  repositorySource(source: ModelRepositorySource): ModelRepositorySource {
    return new ThrottledRepositorySource(source, this.faults);
  }
}
