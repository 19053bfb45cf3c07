import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'testing/fake-agent': 'src/testing/fake-agent/program.ts',
  },
  format: ['esm', 'cjs'],
  // Node 20 has no native `using` / `await using`: esbuild lowers them for this target.
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: false,
  outDir: 'dist',
});
