/**
 * Errors about agents as a whole (not about one delivery).
 *
 * @module
 */
import { OrchestratorError } from '../errors.js';

/**
 * An agent with this name already exists in the fleet.
 *
 * @example
 * try {
 *   await orc.spawn({ name: 'eng-1', kind: 'claude-code', command: ['claude'] });
 * } catch (error) {
 *   if (error instanceof DuplicateAgentError) console.log(`${error.agent} already runs`);
 * }
 */
export class DuplicateAgentError extends OrchestratorError {
  /** The name asked for. */
  readonly agent: string;

  constructor(agent: string) {
    super('ERR_DUPLICATE_AGENT', `an agent named ${JSON.stringify(agent)} already exists`);
    this.agent = agent;
  }
}

/**
 * No agent with this name is known.
 *
 * @example
 * try {
 *   await orc.agent('eng-9').send('Status?');
 * } catch (error) {
 *   if (error instanceof UnknownAgentError) console.log(`no agent ${error.agent}`);
 * }
 */
export class UnknownAgentError extends OrchestratorError {
  /** The name looked up. */
  readonly agent: string;

  constructor(agent: string) {
    super('ERR_UNKNOWN_AGENT', `no agent named ${JSON.stringify(agent)}`);
    this.agent = agent;
  }
}

/**
 * The agent's process has exited (or its pane is gone); it cannot take input until restarted.
 *
 * @example
 * try {
 *   await eng.send('Run the tests and report');
 * } catch (error) {
 *   if (error instanceof AgentExitedError) await eng.restart();
 * }
 */
export class AgentExitedError extends OrchestratorError {
  /** The agent's name. */
  readonly agent: string;

  constructor(agent: string, detail: string) {
    super('ERR_AGENT_EXITED', `agent ${JSON.stringify(agent)} has exited: ${detail}`);
    this.agent = agent;
  }
}
