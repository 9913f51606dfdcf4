import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const URI_STUB = fileURLToPath(new URL('./src/forms/uri.stub.ts', import.meta.url));

/**
 * @rjsf/utils resolves `$ref`s with fast-uri; for it (and only for it: ajv, which the bench page's
 * plain-rjsf baseline uses, needs the whole of fast-uri) a small resolver stands in, see
 * src/forms/uri.stub.ts.
 */
const rjsfUriStub: Plugin = {
  name: 'collectflow:rjsf-uri-stub',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === 'fast-uri' && importer && /[\\/]@rjsf[\\/]utils[\\/]/.test(importer)) return URI_STUB;
    return null;
  },
};

export default defineConfig({
  plugins: [react(), rjsfUriStub],
  resolve: {
    alias: {
      // Descriptions render as plain text; see src/forms/markdown.stub.tsx.
      'markdown-to-jsx/react': fileURLToPath(new URL('./src/forms/markdown.stub.tsx', import.meta.url)),
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // The bench reads the manifest to tell which chunks a route needs.
    manifest: true,
    rolldownOptions: {
      // antd imports rc-form's FormProvider from every popup component (menus, dropdowns); rc-form
      // declares no `sideEffects`, so without this the whole form engine and its async validator
      // would ride along on every route although only antd's own Form pages use them.
      treeshake: {
        moduleSideEffects: (id: string) =>
          /node_modules[\\/]@rc-component[\\/](form|async-validator)[\\/]/.test(id) ? false : undefined,
      },
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        // The form bench page (bench/groups/web.bench.ts); no route of the app loads it.
        bench: fileURLToPath(new URL('./bench.html', import.meta.url)),
      },
    },
  },
});
