import type { WidgetProps } from '@rjsf/utils';
import { type ComponentType, lazy, Suspense } from 'react';

type Widget = ComponentType<WidgetProps>;

/**
 * A widget whose code loads the first time a form shows it. antd's Select (with its virtual list)
 * and Checkbox are a quarter of the renderer's weight, and many task forms have neither: those
 * forms no longer download them. The placeholder keeps the field's height while the chunk arrives.
 */
function lazyWidget(load: () => Promise<{ default: Widget }>): Widget {
  const Loaded = lazy(load);
  return function LazyWidget(props: WidgetProps) {
    return (
      <Suspense fallback={<div className="cf-widget-loading" aria-busy="true" />}>
        <Loaded {...props} />
      </Suspense>
    );
  };
}

export const SelectWidget = lazyWidget(() => import('@rjsf/antd/lib/widgets/SelectWidget/index.js'));
export const CheckboxWidget = lazyWidget(() => import('@rjsf/antd/lib/widgets/CheckboxWidget/index.js'));
export const CheckboxesWidget = lazyWidget(() => import('@rjsf/antd/lib/widgets/CheckboxesWidget/index.js'));
