// Ant Design tokens darkened where the defaults fall short of WCAG AA contrast (4.5:1) on white; and no
// motion for users who ask their system for less of it (prefers-reduced-motion, WCAG 2.3.3): popups,
// dialogs and messages then appear and go at once.
import type { ThemeConfig } from 'antd';

const reducedMotion =
  typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

export const theme: ThemeConfig = {
  token: {
    motion: !reducedMotion,
    colorPrimary: '#0050b3',
    colorLink: '#0050b3',
    colorError: '#c41d1d',
    colorSuccess: '#237804',
    colorWarning: '#ad5700',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", sans-serif',
  },
};
