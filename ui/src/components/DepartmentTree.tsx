/** Departments as a tree (parentId) for TreeSelect pickers; names shown as written. */
import { TreeSelect, type TreeSelectProps } from 'antd';
import { useMemo } from 'react';
import { useDepartments } from '../api/queries';
import type { Department } from '../api/types';

interface Node {
  value: string;
  title: string;
  key: string;
  children?: Node[];
}

export function departmentTree(departments: Department[]): Node[] {
  const byParent = new Map<string | null, Department[]>();
  const ids = new Set(departments.map((d) => d.id));
  for (const d of departments) {
    const parent = d.parentId && ids.has(d.parentId) ? d.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const build = (parent: string | null): Node[] =>
    (byParent.get(parent) ?? []).map((d) => {
      const children = build(d.id);
      return { value: d.id, key: d.id, title: d.name, ...(children.length ? { children } : {}) };
    });
  return build(null);
}

export function DepartmentTreeSelect(props: Omit<TreeSelectProps, 'treeData'> & { exclude?: string[] }) {
  const { data = [] } = useDepartments();
  const { exclude, ...rest } = props;
  const tree = useMemo(() => departmentTree(data.filter((d) => !exclude?.includes(d.id))), [data, exclude]);
  return <TreeSelect showSearch treeDefaultExpandAll treeNodeFilterProp="title" treeData={tree} style={{ width: '100%' }} {...rest} />;
}
