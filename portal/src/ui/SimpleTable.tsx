// A table with a caption and column headers (scope="col"): the shape every list in the portal has.
import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

export function SimpleTable({ caption, columns, children, striped = true, testId }: { caption: string; columns: string[]; children: ReactNode; striped?: boolean; testId?: string }) {
  return (
    <Table striped={striped} highlightOnHover data-testid={testId}>
      <Table.Caption>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c} scope="col">
              {c}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  );
}
