/** Request headers that carry credentials: logs and the journal show their values as `REDACTED`. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'es-client-authentication', 'cookie', 'proxy-authorization'];

export const REDACTED = '[REDACTED]';
