import enElement from 'element-plus/es/locale/lang/en';
import zhElement from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en.ts';
import zh from './zh-CN.ts';

export type Locale = 'zh-CN' | 'en';
const STORAGE_KEY = 'wagewatch.locale';

const saved = (typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY)) as Locale | null;

/** Chinese by default; English for the banks' integration teams (the toggle in the header). */
export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** Element Plus's own strings (pagination, date pickers) follow the same locale. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? enElement : zhElement));
