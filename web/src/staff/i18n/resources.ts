import { en } from './en.ts';
import { zh } from './zh.ts';

export const resources = { zh: { translation: zh }, en: { translation: en } };
