/** Every area's English strings, one chunk that loads only when the page is shown in English. */
import { byArea } from './by-area';

export default byArea(import.meta.glob<Record<string, unknown>>('./en/*.json', { eager: true, import: 'default' }));
