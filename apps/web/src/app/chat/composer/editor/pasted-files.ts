/**
 * The files a paste carries, when files are what it is: a copied picture or a screenshot. Text copied from an
 * office app brings a picture of itself along too; then the text is what was meant, and no file is taken.
 */
export function pastedFiles(data: Pick<DataTransfer, 'files' | 'getData'> | null): File[] {
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length === 0) return [];
  return data.getData('text/plain').trim() === '' ? files : [];
}
