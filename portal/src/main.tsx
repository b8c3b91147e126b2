// The portal's entry: configuration and languages first, then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from './config';
import { initI18n } from './i18n';
import { App } from './App';

const root = createRoot(document.getElementById('root')!);
Promise.all([loadConfig(), initI18n()])
  .then(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => {
    // Before the catalogs are loaded there is no language yet: say it in all three.
    const message = (error as Error).message;
    root.render(
      <main style={{ fontFamily: 'sans-serif', padding: '2rem' }}>
        <h1>门户无法启动 · 門戶無法啟動 · The portal cannot start</h1>
        <p>{message}</p>
      </main>,
    );
  });
