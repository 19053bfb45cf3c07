import { describe, expect, it } from 'vitest';
import { bracketedPasteDelivery } from '../../../src/agents/delivery/bracketed-paste.js';
import { BUILTIN_DELIVERIES } from '../../../src/agents/delivery/index.js';
import { literalKeysDelivery } from '../../../src/agents/delivery/literal-keys.js';
import { resolveDeliveryOptions, type DeliveryOptions } from '../../../src/agents/delivery/options.js';
import { InvalidOptionError } from '../../../src/errors.js';

describe('resolveDeliveryOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveDeliveryOptions()).toEqual({
      force: false,
      existingInput: 'clear',
      waitTimeoutMs: 600_000,
      waitIntervalMs: 250,
      settleTimeoutMs: 3_000,
      verifyTimeoutMs: 2_000,
      maxSubmitAttempts: 3,
      pollIntervalMs: 20,
      signal: undefined,
    });
  });

  it.each<[DeliveryOptions, string]>([
    [{ waitTimeoutMs: -1 }, 'Expected `waitTimeoutMs` to be a positive number, got `-1` (number)'],
    [{ verifyTimeoutMs: 0 }, 'Expected `verifyTimeoutMs` to be a positive number, got `0` (number)'],
    [{ settleTimeoutMs: Number.NaN }, 'Expected `settleTimeoutMs` to be a positive number, got `NaN` (number)'],
    [{ maxSubmitAttempts: 0 }, 'Expected `maxSubmitAttempts` to be an integer >= 1, got `0` (number)'],
    [{ maxSubmitAttempts: 1.5 }, 'Expected `maxSubmitAttempts` to be an integer >= 1, got `1.5` (number)'],
    [{ existingInput: 'append' as never }, "Expected `existingInput` to be 'clear' or 'refuse', got `append` (string)"],
    [{ force: 'yes' as never }, 'Expected `force` to be a boolean, got `yes` (string)'],
    [{ signal: {} as never }, 'Expected `signal` to be an AbortSignal, got `[object Object]` (object)'],
  ])('rejects %o', (options, message) => {
    expect(() => resolveDeliveryOptions(options)).toThrow(new InvalidOptionError(message));
  });
});

describe('strategy options', () => {
  it('registers both built-in strategies under their names', () => {
    expect(Object.keys(BUILTIN_DELIVERIES).sort()).toEqual(['bracketed-paste', 'literal-keys']);
    for (const [name, factory] of Object.entries(BUILTIN_DELIVERIES)) expect(factory().name).toBe(name);
    expect(Object.isFrozen(BUILTIN_DELIVERIES)).toBe(true);
  });

  it('rejects unknown options, naming the known ones', () => {
    expect(() => BUILTIN_DELIVERIES['literal-keys']?.({ chunksize: 10 })).toThrow(
      'Unknown option `chunksize` for the `literal-keys` delivery (known: `chunkSize`, `newlineKeys`, `submitKeys`)',
    );
    expect(() => BUILTIN_DELIVERIES['bracketed-paste']?.({ newlineKeys: ['C-j'] })).toThrow(InvalidOptionError);
  });

  it('rejects invalid values', () => {
    expect(() => literalKeysDelivery({ chunkSize: 0 })).toThrow('Expected `chunkSize` to be an integer >= 1, got `0` (number)');
    expect(() => literalKeysDelivery({ newlineKeys: [] })).toThrow(
      'Expected `newlineKeys` to be a non-empty array of tmux key names, got []',
    );
    expect(() => literalKeysDelivery({ submitKeys: ['Enter', ''] })).toThrow(InvalidOptionError);
    expect(() => bracketedPasteDelivery({ bracket: 1 as never })).toThrow('Expected `bracket` to be a boolean, got `1` (number)');
    expect(() => bracketedPasteDelivery({ bufferChunkSize: -5 })).toThrow(InvalidOptionError);
  });

  it('refuses text holding the end-of-paste sequence before anything is sent', () => {
    expect(() => bracketedPasteDelivery().validate?.('before \u001b[201~ after')).toThrow(/end-of-paste/u);
    expect(() => bracketedPasteDelivery().validate?.('plain text')).not.toThrow();
  });
});
