import { createRoot } from 'react-dom/client';
import { App } from './App';
import { followRunLinks } from './screens/runs/runLinks';
import './styles.css';
import { applyStoredTheme } from './theme';

applyStoredTheme();

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
followRunLinks();
