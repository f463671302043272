/** Every area's Chinese strings, one chunk that loads only when the page is shown in Chinese. */
import { byArea } from './by-area';

export default byArea(import.meta.glob<Record<string, unknown>>('./zh/*.json', { eager: true, import: 'default' }));
