import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { switchLanguage } from '../shared/i18n.ts';

/** 中文 / English: labelled in the language it switches to. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (
    <Button
      type="default"
      size="small"
      lang={zh ? 'en' : 'zh-CN'}
      onClick={() => switchLanguage(zh ? 'en' : 'zh')}
    >
      {zh ? 'English' : '中文'}
    </Button>
  );
}
