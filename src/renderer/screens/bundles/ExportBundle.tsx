import { useEffect, useRef, useState } from 'react';
import type { BundlePartRef, BundleSummary } from '../../../shared/api/bundleTypes';
import { formatBytes } from '../../../shared/format';
import { PathField } from '../../components/PathField';
import { client } from '../../transport/client';
import { JobProgressRow } from '../models/JobProgress';
import { partRefLabel, partSummaryLabel } from './bundleText';
import { useBundleJob } from './useBundleJob';

/** "Export" on a detail screen: opens the export dialog for these parts (one, from that screen). */
export function ExportBundleButton({ parts, label = 'Export' }: { parts: BundlePartRef[]; label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        disabled={parts.length === 0}
        title="Write a bundle (.btb) to carry this to another workspace or an offline machine"
      >
        {label}
      </button>
      {open ? <ExportBundleDialog parts={parts} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** What goes in, where the .btb goes, whether images go too; then progress with Cancel, then the file written. */
export function ExportBundleDialog({ parts, onClose }: { parts: BundlePartRef[]; onClose(): void }) {
  const [output, setOutput] = useState('');
  const [includeImages, setIncludeImages] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [written, setWritten] = useState<BundleSummary | null>(null);
  const { job, busy, error, run, cancel } = useBundleJob();
  const ref = useModalDialog();
  // Images are built for environments; a service or run carries its environment, so it can carry the image too.
  const canCarryImages = parts.some((p) => p.kind !== 'model');
  const exportNow = () =>
    run(async (requestId) => {
      setWritten(null);
      setWritten(await client.bundles.export({ parts, output: output.trim(), includeImages, overwrite, requestId }));
    });
  return (
    <dialog
      ref={ref}
      className="confirm-dialog bundle-dialog"
      aria-labelledby="export-bundle-title"
      // Esc closes it, except while it writes: Cancel stops the job first, so nothing is left half-done unseen.
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id="export-bundle-title">Export bundle</h2>
      <div className="muted">In the bundle:</div>
      <ul aria-label="Parts to export">
        {parts.map((p) => (
          <li key={partRefLabel(p)}>{partRefLabel(p)}</li>
        ))}
      </ul>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void exportNow();
        }}
      >
        <PathField
          label="Bundle file"
          value={output}
          onChange={setOutput}
          kinds={['file']}
          placeholder="/path/to/export.btb"
        />
        {canCarryImages ? (
          <label className="inline">
            <input type="checkbox" checked={includeImages} onChange={(e) => setIncludeImages(e.target.checked)} />{' '}
            Include the built image (docker save; large, but the other machine needs no base image)
          </label>
        ) : null}
        <label className="inline">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> Replace the
          file if it exists
        </label>
        <div className="confirm-actions">
          <button type="button" data-cancel onClick={onClose} disabled={busy}>
            Close
          </button>
          <button type="submit" className="primary" disabled={!output.trim() || busy}>
            Export
          </button>
        </div>
      </form>
      {busy ? <JobProgressRow label="Export progress" job={job} cancel={cancel} cancelLabel="Cancel" /> : null}
      {error ? (
        <p className="confirm-blocked" role="alert">
          {error}
        </p>
      ) : null}
      {written ? (
        <div role="status" aria-label="Export result">
          Wrote <code>{written.file}</code> ({formatBytes(written.bytes)}):{' '}
          {written.parts.map((p) => `${partSummaryLabel(p)} (${formatBytes(p.bytes)})`).join(', ')}.
        </div>
      ) : null}
    </dialog>
  );
}

/** A <dialog> opened modal (focus trapped by the platform) and focus given back to where it was when it closes. */
export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocus = document.activeElement;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLInputElement>('input')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
    };
  }, []);
  return ref;
}
