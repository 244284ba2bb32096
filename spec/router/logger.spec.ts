import { jsonLogger, silentLogger } from '../../src/router/logger.js';

describe('jsonLogger', () => {
  it('writes one JSON object a line, at or above its level', () => {
    const lines: string[] = [];
    const logger = jsonLogger('warn', (line) => lines.push(line));
    logger.log('info', 'dropped');
    logger.log('warn', 'session_aborted', { session: 7 });
    logger.log('error', 'stage_failure');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { time: jasmine.any(String), level: 'warn', event: 'session_aborted', session: 7 },
      { time: jasmine.any(String), level: 'error', event: 'stage_failure' },
    ]);
  });

  it('logs at info and above to console.error by default', () => {
    const error = spyOn(console, 'error');
    const logger = jsonLogger();
    logger.log('debug', 'dropped');
    logger.log('info', 'router_started', { port: 0 });
    expect(error).toHaveBeenCalledOnceWith(jasmine.stringMatching(/^\{.*"level":"info","event":"router_started","port":0\}$/));
  });

  it('has a silent counterpart that writes nothing', () => {
    const error = spyOn(console, 'error');
    silentLogger.log('error', 'anything');
    expect(error).not.toHaveBeenCalled();
  });
});
