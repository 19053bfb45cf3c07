/**
 * The shortest useful tmux-orchestrator program: start a private tmux server,
 * open a session running a shell, type a command into it, wait for the
 * output, read the screen, and remove the server again.
 *
 *   npx tsx examples/basic-client.ts
 *
 * In your own project, import from `tmux-orchestrator` and
 * `tmux-orchestrator/testing` instead of the source paths below.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxClient } from '../src/index.js';
import { retryUntil } from '../src/testing/index.js';

// A server of our own on its own socket, started by the connection and
// without the user's ~/.tmux.conf. Commands are pipelined over this one
// control-mode connection.
const socketPath = join(tmpdir(), `tmux-orchestrator-basic-${process.pid}.sock`);
const client = await TmuxClient.connect({ socketPath, startServer: true, configFile: '/dev/null' });
try {
  const { paneId } = await client.newSession({ name: 'work', command: ['sh'] });
  const screenText = async (): Promise<string[]> => (await client.capturePane(paneId)).filter((line) => line.trim() !== '');

  // tmux answers at once, the shell a moment later: poll the screen, with a deadline.
  await retryUntil(async () => (await screenText()).length > 0, { description: 'the shell prompt' });

  // Text is typed literally; key names such as Enter go through sendKeys.
  await client.sendText(paneId, 'echo "2 + 2 = $((2 + 2))"');
  await client.sendKeys(paneId, ['Enter']);
  await retryUntil(async () => (await screenText()).includes('2 + 2 = 4'), { description: 'the answer' });

  console.log(`pane ${paneId} shows:\n${(await screenText()).join('\n')}`);
} finally {
  await client.killServer();
  await client.close();
  await rm(socketPath, { force: true }); // tmux leaves its socket file behind
}
