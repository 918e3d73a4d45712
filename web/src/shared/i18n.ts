// i18next for both apps: Chinese by default, English on request; the choice is remembered per browser.
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

const KEY = 'yjs.lang';

export function initialLanguage(): 'zh' | 'en' {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function setupI18n(resources: Resource) {
  const lng = initialLanguage();
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'zh',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  return i18next;
}

export function switchLanguage(lng: 'zh' | 'en'): void {
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    // private mode: the switch lasts for this page only
  }
  document.documentElement.lang = lng === 'zh' ? 'zh-CN' : 'en';
  void i18next.changeLanguage(lng);
}
