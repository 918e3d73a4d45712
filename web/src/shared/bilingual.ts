// Definitions and department names are written "中文 English" (e.g. "公司章程 Articles of association").
// Each language shows its own half; a title without Chinese is shown as it is in both.
const SPLIT = /^(.*[\u3400-\u9fff（）：、][^A-Za-z]*?)\s+([A-Za-z(].*)$/u;

export function localTitle(title: string | undefined, lang: string): string {
  if (!title) return '';
  const match = SPLIT.exec(title);
  if (!match) return title;
  return lang.startsWith('zh') ? match[1]!.trim() : match[2]!.trim();
}
