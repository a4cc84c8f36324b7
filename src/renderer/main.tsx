import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startRouting } from './routing/sync';
import './styles.css';
import { applyStoredTheme } from './theme';

applyStoredTheme();

// The link in the address bar is applied before the first render, so a deep link never flashes the default screen.
startRouting();
createRoot(document.getElementById('root') as HTMLElement).render(<App />);
