// A file input that looks like a button: a real <input type="file"> (keyboard- and screen-reader-
// friendly, and what a browser test sets files on), labelled with what it uploads.
import { UploadOutlined } from '@ant-design/icons';
import { useId } from 'react';

export function FileButton({
  label,
  text,
  busy,
  onFile,
}: {
  /** Accessible name, e.g. "上传：公司章程". */
  label: string;
  /** Visible text, e.g. "上传". */
  text: string;
  busy?: boolean;
  onFile: (file: File) => void;
}) {
  const id = useId();
  return (
    <span className={`file-button${busy ? ' busy' : ''}`}>
      <input
        id={id}
        type="file"
        aria-label={label}
        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
        disabled={busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
      <label htmlFor={id} aria-hidden="true">
        <UploadOutlined /> {text}
      </label>
    </span>
  );
}
