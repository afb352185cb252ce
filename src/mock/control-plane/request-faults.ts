import type { IncomingMessage } from 'node:http';
import type { RequestFault } from '../../http/app';
import type { FaultRules, RequestFaultRule } from './fault-rules';
import { forcedError } from './forced-errors';
import { hasFaultHeaders, headerFault } from './header-faults';

/**
 * The fault for one Elasticsearch request: its own `X-Elser-Mock-*` headers if it has any
 * (a fault rule matching it is then neither applied nor counted), else the first matching rule.
 */
export function requestFaults(rules: FaultRules): (request: IncomingMessage) => RequestFault | undefined {
  return (request) => {
    if (hasFaultHeaders(request.headers)) return headerFault(request.headers);
    if (!rules.hasRequestFaults) return undefined;
    const uri = request.url ?? '/';
    const queryStart = uri.indexOf('?');
    const rule = rules.take((request.method ?? 'GET').toUpperCase(), queryStart < 0 ? uri : uri.slice(0, queryStart));
    return rule && ruleFault(rule);
  };
}

function ruleFault(rule: RequestFaultRule): RequestFault {
  return {
    source: rule.id,
    delayMs: rule.delay?.millis,
    drop: rule.drop,
    error: rule.status === undefined ? undefined : forcedError(rule.status, rule.id, rule.error),
  };
}
