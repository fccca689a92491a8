import { createI18n } from 'vue-i18n';
import { en } from './locales/en.ts';

/** English is the source locale; other locales add a file under locales/ and an entry here. */
export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en },
  missingWarn: false,
  fallbackWarn: false,
});
