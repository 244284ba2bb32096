import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running `rxwamp-router` child process and the URLs it printed. */
export interface RunningRouter {
  readonly child: ChildProcess;
  readonly urls: string[];
  readonly stdout: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts `command args` (an `rxwamp-router`: the built CLI through node, or an installed
 * bin) and resolves once it has printed every `listening` line (it prints `realm …` lines
 * after them); rejects if it exits first.
 */
export function startRouterProcess(command: string, args: string[], cwd: string): Promise<RunningRouter> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stdout: string[] = [];
  const urls: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      if (line.startsWith('listening ')) urls.push(line.slice('listening '.length));
      if (line.startsWith('realm ')) resolve({ child, urls, stdout, exited });
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`rxwamp-router exited with ${code}: ${stderr}`)));
  });
}
