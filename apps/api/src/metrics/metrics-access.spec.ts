import { metricsAccess } from './metrics-access';

const token = 'a-metrics-token-of-some-length';

describe('metricsAccess', () => {
  it('serves nothing on the API port without a token: never public by default', () => {
    expect(metricsAccess({ token: null, port: null }, false, undefined)).toBe('not_served');
    expect(metricsAccess({ token: null, port: 9464 }, false, `Bearer ${token}`)).toBe('not_served');
  });

  it('wants the exact Bearer token when one is set, on either port', () => {
    const settings = { token, port: 9464 };
    for (const onMetricsPort of [false, true]) {
      expect(metricsAccess(settings, onMetricsPort, `Bearer ${token}`)).toBe('allowed');
      expect(metricsAccess(settings, onMetricsPort, `bearer ${token}`)).toBe('allowed');
      expect(metricsAccess(settings, onMetricsPort, undefined)).toBe('unauthorized');
      expect(metricsAccess(settings, onMetricsPort, token)).toBe('unauthorized');
      expect(metricsAccess(settings, onMetricsPort, `Bearer ${token.slice(0, -1)}`)).toBe('unauthorized');
      expect(metricsAccess(settings, onMetricsPort, `Bearer ${token}x`)).toBe('unauthorized');
      expect(metricsAccess(settings, onMetricsPort, `Basic ${token}`)).toBe('unauthorized');
    }
  });

  it('opens METRICS_PORT to whoever reaches it when no token is set', () => {
    expect(metricsAccess({ token: null, port: 9464 }, true, undefined)).toBe('allowed');
  });
});
