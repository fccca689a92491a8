export { AgentDaemon, type AgentDaemonOptions, type OpRunner, type AgentLogger } from './daemon.ts';
export { Journal } from './journal.ts';
export { enrollAgent } from './enroll.ts';
export { loadState, saveState, statePaths, type AgentState } from './state.ts';
export { main } from './cli.ts';
export type { OpResult, AgentEnv } from './ops/index.ts';
