import { ElasticsearchException } from '../errors/elasticsearch-exception';
import { authenticate, parseBasicAuth, WWW_AUTHENTICATE } from './security';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const options = { basic: { username: 'elastic', password: 's3cret:with:colons' }, apiKeys: ['aWQ6a2V5'] };

function failure(authorization: string | undefined, uri = '/_inference'): ElasticsearchException {
  try {
    authenticate(options, authorization, uri);
  } catch (error) {
    return error as ElasticsearchException;
  }
  throw new Error('expected a failure');
}

describe('authenticate', () => {
  it('lets everything through when no credentials are configured', () => {
    expect(() => authenticate({}, undefined, '/')).not.toThrow();
  });

  it('accepts the configured basic credentials and API key', () => {
    expect(() => authenticate(options, basic('elastic', 's3cret:with:colons'), '/')).not.toThrow();
    expect(() => authenticate(options, 'ApiKey aWQ6a2V5', '/')).not.toThrow();
  });

  it('answers missing credentials with Elasticsearch security exception and challenges', () => {
    const error = failure(undefined, '/_inference?pretty');
    expect(error.toJSON()).toEqual({
      error: {
        root_cause: [
          {
            type: 'security_exception',
            reason: 'missing authentication credentials for REST request [/_inference?pretty]',
            header: { 'WWW-Authenticate': WWW_AUTHENTICATE },
          },
        ],
        type: 'security_exception',
        reason: 'missing authentication credentials for REST request [/_inference?pretty]',
        header: { 'WWW-Authenticate': WWW_AUTHENTICATE },
      },
      status: 401,
    });
    expect(error.extra.headers).toEqual({
      'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'],
    });
  });

  it('names the user whose password is wrong', () => {
    expect(failure(basic('elastic', 'nope')).reason).toBe('unable to authenticate user [elastic] for REST request [/_inference]');
  });

  it('refuses an unknown API key', () => {
    expect(failure('ApiKey bm9wZQ==').reason).toBe(
      'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
    );
  });

  it('parses --auth basic:USER:PASS', () => {
    expect(parseBasicAuth('basic:elastic:pa:ss')).toEqual({ username: 'elastic', password: 'pa:ss' });
    expect(parseBasicAuth('token:x')).toBeUndefined();
  });
});
