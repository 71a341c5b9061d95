import { Paper, Table, TableBody, TableCell, TableHead, TableRow, type SxProps, type Theme } from '@mui/material';
import type { ReactNode } from 'react';
import { Empty } from './states';

/** One column: its header and how a row fills its cell. */
export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right';
  /** A cell's `title` (a tooltip with the exact value, say). */
  title?: (row: T) => string | undefined;
  sx?: SxProps<Theme>;
}

/**
 * The list of a resource (rules, businesses, silences, sources…) as one
 * small table on paper, or `empty` when there are none: one markup for every
 * such list, so that they look and read alike.
 */
export function ResourceTable<T>({
  label,
  rows,
  columns,
  rowKey,
  empty,
  hover = false,
}: {
  /** The table's accessible name. */
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  hover?: boolean;
}) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    // Wider than a phone: the table scrolls inside its card rather than the page sideways.
    <Paper sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((c, i) => (
              <TableCell key={i} align={c.align}>
                {c.header}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={rowKey(row)} hover={hover}>
              {columns.map((c, i) => (
                <TableCell key={i} align={c.align} title={c.title?.(row)} sx={c.sx}>
                  {c.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
