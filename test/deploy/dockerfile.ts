import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DockerfileFacts {
  stages: number;
  /** The last USER of the final stage. */
  user: string | null;
  /** HEALTHCHECK's exec-form command, or null. */
  healthcheck: string[] | null;
  entrypoint: string[];
  cmd: string[];
  /** Sources of COPY from the build context (not `--from=` another stage). */
  copies: string[];
}

/** Just enough of the Dockerfile syntax for the deployment checks: instructions, continuations, exec form. */
export function parseDockerfile(text: string): DockerfileFacts {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const facts: DockerfileFacts = { stages: 0, user: null, healthcheck: null, entrypoint: [], cmd: [], copies: [] };
  const exec = (rest: string) => JSON.parse(rest.slice(rest.indexOf('['))) as string[];
  for (const line of lines) {
    const [instruction, ...words] = line.split(/\s+/);
    const rest = line.slice(instruction!.length).trim();
    switch (instruction!.toUpperCase()) {
      case 'FROM':
        facts.stages++;
        facts.user = null;
        break;
      case 'USER':
        facts.user = words[0]!;
        break;
      case 'HEALTHCHECK':
        facts.healthcheck = exec(rest.slice(rest.indexOf('CMD')));
        break;
      case 'ENTRYPOINT':
        facts.entrypoint = exec(rest);
        break;
      case 'CMD':
        facts.cmd = exec(rest);
        break;
      case 'COPY':
        if (!words.some((w) => w.startsWith('--from='))) facts.copies.push(...words.filter((w) => !w.startsWith('--')).slice(0, -1));
        break;
    }
  }
  return facts;
}

export const dockerfile = (root: string): DockerfileFacts => parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
