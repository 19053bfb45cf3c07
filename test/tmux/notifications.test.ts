import { describe, expect, it } from 'vitest';
import { parseNotification, type Notification } from '../../src/tmux/notifications.js';

function parse(line: string | Buffer): unknown {
  const notification = parseNotification(typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
  return notification?.kind === 'output' ? { ...notification, data: [...notification.data] } : notification;
}

const output = (paneId: string, data: readonly number[], ageMs = 0): unknown => ({ kind: 'output', paneId, data, ageMs });
const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

describe('parseNotification', () => {
  describe('%output and %extended-output', () => {
    it('decodes escapes and keeps other bytes (lines as tmux 3.3a wrote them)', () => {
      expect(parse('%output %0 \\033[?2004hroot@vm:/tmp/pt# ')).toEqual(output('%0', ascii('\u001b[?2004hroot@vm:/tmp/pt# ')));
      expect(parse('%output %0 x\\134 y\\015\\012')).toEqual(output('%0', ascii('x\\ y\r\n')));
      expect(parse('%output %12 a : b  ')).toEqual(output('%12', ascii('a : b  ')));
    });

    it('keeps raw bytes that are not UTF-8, and halves of a split character', () => {
      expect(parse(Buffer.concat([Buffer.from('%output %1 '), Buffer.from([0xff, 0xfe, 0x80, 0x7f])]))).toEqual(output('%1', [0xff, 0xfe, 0x80, 0x7f]));
      expect(parse(Buffer.concat([Buffer.from('%output %0 h'), Buffer.from([0xc3])]))).toEqual(output('%0', [0x68, 0xc3]));
      expect(parse(Buffer.concat([Buffer.from('%output %0 '), Buffer.from([0xa9]), Buffer.from('llo')]))).toEqual(output('%0', [0xa9, ...ascii('llo')]));
    });

    it('reads empty output', () => {
      expect(parse('%output %1 ')).toEqual(output('%1', []));
      expect(parse('%output %1')).toEqual(output('%1', []));
    });

    it('reads %extended-output with its age and data after the first ` : `', () => {
      expect(parse('%extended-output %0 0 : \\033[?2004hroot@vm:/tmp/pt# ')).toEqual(output('%0', ascii('\u001b[?2004hroot@vm:/tmp/pt# ')));
      expect(parse('%extended-output %2 1500 : data : more')).toEqual(output('%2', ascii('data : more'), 1500));
      expect(parse('%extended-output %2 15 future-field : x')).toEqual(output('%2', ascii('x'), 15));
      expect(parse('%extended-output %2 15 : ')).toEqual(output('%2', [], 15));
    });

    it('reads a line given as a view into a larger buffer', () => {
      const whole = Buffer.from('junk%output %4 \\101Z');
      expect(parse(whole.subarray(4))).toEqual(output('%4', ascii('AZ')));
    });
  });

  const wellFormed: ReadonlyArray<readonly [string, Notification]> = [
    ['%pause %0', { kind: 'pause', paneId: '%0' }],
    ['%continue %0', { kind: 'continue', paneId: '%0' }],
    ['%window-add @1', { kind: 'window-add', windowId: '@1' }],
    ['%window-close @12', { kind: 'window-close', windowId: '@12' }],
    ['%unlinked-window-add @2', { kind: 'unlinked-window-add', windowId: '@2' }],
    ['%unlinked-window-close @3', { kind: 'unlinked-window-close', windowId: '@3' }],
    ['%window-renamed @1 renamed win', { kind: 'window-renamed', windowId: '@1', name: 'renamed win' }],
    ['%window-renamed @1 ', { kind: 'window-renamed', windowId: '@1', name: '' }],
    ['%window-renamed @1  two  spaces ', { kind: 'window-renamed', windowId: '@1', name: ' two  spaces ' }],
    ['%unlinked-window-renamed @2 un linked', { kind: 'unlinked-window-renamed', windowId: '@2', name: 'un linked' }],
    ['%window-pane-changed @1 %1', { kind: 'window-pane-changed', windowId: '@1', paneId: '%1' }],
    [
      '%layout-change @1 419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2] 419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2] -',
      { kind: 'layout-change', windowId: '@1', layout: '419a,80x24,0,0[80x12,0,0,1,80x11,0,13,2]' },
    ],
    ['%layout-change @0 c196,80x24,0,0,0 c196,80x24,0,0,0 *', { kind: 'layout-change', windowId: '@0', layout: 'c196,80x24,0,0,0' }],
    ['%session-changed $0 main', { kind: 'session-changed', sessionId: '$0', name: 'main' }],
    ['%session-renamed $1 oth er', { kind: 'session-renamed', sessionId: '$1', name: 'oth er' }],
    [
      '%client-session-changed client-11186 $1 other session',
      { kind: 'client-session-changed', client: 'client-11186', sessionId: '$1', name: 'other session' },
    ],
    ['%sessions-changed', { kind: 'sessions-changed' }],
    ['%session-window-changed $0 @1', { kind: 'session-window-changed', sessionId: '$0', windowId: '@1' }],
    ['%pane-mode-changed %0', { kind: 'pane-mode-changed', paneId: '%0' }],
    [
      '%subscription-changed s1 $0 @0 0 %0 : bash',
      { kind: 'subscription-changed', name: 's1', sessionId: '$0', windowId: '@0', paneId: '%0', value: 'bash' },
    ],
    [
      '%subscription-changed w1 $0 @0 0 - : bash',
      { kind: 'subscription-changed', name: 'w1', sessionId: '$0', windowId: '@0', paneId: '-', value: 'bash' },
    ],
    [
      '%subscription-changed my sub $0 - - - : main',
      { kind: 'subscription-changed', name: 'my sub', sessionId: '$0', windowId: '-', paneId: '-', value: 'main' },
    ],
    [
      '%subscription-changed s2 $3 @4 1 %5 : a : b : ',
      { kind: 'subscription-changed', name: 's2', sessionId: '$3', windowId: '@4', paneId: '%5', value: 'a : b : ' },
    ],
    [
      '%subscription-changed s3 $0 - - - : ',
      { kind: 'subscription-changed', name: 's3', sessionId: '$0', windowId: '-', paneId: '-', value: '' },
    ],
    ['%paste-buffer-changed buffer0', { kind: 'paste-buffer-changed', name: 'buffer0' }],
    ['%paste-buffer-deleted my buffer', { kind: 'paste-buffer-deleted', name: 'my buffer' }],
    ['%client-detached client-11186', { kind: 'client-detached', client: 'client-11186' }],
    ['%message hi there', { kind: 'message', text: 'hi there' }],
    ['%message', { kind: 'message', text: '' }],
    [
      '%config-error /tmp/tmux.conf:1: unknown command: foo',
      { kind: 'config-error', text: '/tmp/tmux.conf:1: unknown command: foo' },
    ],
    ['%exit', { kind: 'exit' }],
    ['%exit server exited unexpectedly', { kind: 'exit', reason: 'server exited unexpectedly' }],
    ['%session-renamed $1 h\u00e9 \u4e16\u754c \ud83d\ude00', { kind: 'session-renamed', sessionId: '$1', name: 'h\u00e9 \u4e16\u754c \ud83d\ude00' }],
  ];

  it.each(wellFormed)('parses %j', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  it('decodes names as UTF-8, invalid bytes as U+FFFD', () => {
    expect(parse(Buffer.concat([Buffer.from('%session-renamed $1 a'), Buffer.from([0xff])]))).toEqual({
      kind: 'session-renamed',
      sessionId: '$1',
      name: 'a\ufffd',
    });
  });

  it.each([
    '%',
    '%future-notification @1',
    '%begin 1795407121 275 1',
    '%end 1795407121 275 1',
    '%error 1795407121 275 1',
    '%output',
    '%output 1 x',
    '%output %x data',
    '%output %1x data',
    '%extended-output %1 x : d',
    '%extended-output %1 10 data',
    '%extended-output 1 10 : d',
    '%extended-output %1 : d',
    '%pause',
    '%pause 0',
    '%pause %0 extra',
    '%continue @0',
    '%window-add',
    '%window-add 1',
    '%window-add @1 extra',
    '%window-close %1',
    '%unlinked-window-add $1',
    '%window-renamed @1',
    '%window-renamed 1 name',
    '%window-pane-changed @1',
    '%window-pane-changed %1 @1',
    '%window-pane-changed @1 %1 extra',
    '%layout-change',
    '%layout-change %1 c196,80x24,0,0,0',
    '%layout-change @1',
    '%session-changed main',
    '%session-changed $1',
    '%session-renamed @1 name',
    '%client-session-changed client-1 $1',
    '%client-session-changed client-1 1 name',
    '%sessions-changed extra',
    '%session-window-changed @1 $0',
    '%session-window-changed $0',
    '%pane-mode-changed @1',
    '%pane-mode-changed',
    '%subscription-changed s1 $0 @0 0 %0 bash',
    '%subscription-changed s1 0 @0 0 %0 : x',
    '%subscription-changed $0 @0 0 %0 : x',
    '%subscription-changed s1 $0 x 0 %0 : x',
    '%subscription-changed s1 $0 @0 0 0 : x',
    '%paste-buffer-changed',
    '%paste-buffer-deleted',
    '%client-detached',
  ])('rejects the malformed %j', (line) => {
    expect(parse(line)).toBeUndefined();
  });
});
