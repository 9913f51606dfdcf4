import ArrayFieldItemTemplate from '@rjsf/antd/lib/templates/ArrayFieldItemTemplate/index.js';
import ArrayFieldTemplate from '@rjsf/antd/lib/templates/ArrayFieldTemplate/index.js';
import BaseInputTemplate from '@rjsf/antd/lib/templates/BaseInputTemplate/index.js';
import CyclicSchemaExpandTemplate from '@rjsf/antd/lib/templates/CyclicSchemaExpandTemplate/index.js';
import ErrorList from '@rjsf/antd/lib/templates/ErrorList/index.js';
import DescriptionField from '@rjsf/antd/lib/templates/FieldDescriptionTemplate/index.js';
import FieldErrorTemplate from '@rjsf/antd/lib/templates/FieldErrorTemplate/index.js';
import GridTemplate from '@rjsf/antd/lib/templates/GridTemplate/index.js';
import {
  AddButton,
  ClearButton,
  CopyButton,
  MoveDownButton,
  MoveUpButton,
  RemoveButton,
} from '@rjsf/antd/lib/templates/IconButton/index.js';
import MultiSchemaFieldTemplate from '@rjsf/antd/lib/templates/MultiSchemaFieldTemplate/index.js';
import ObjectFieldTemplate from '@rjsf/antd/lib/templates/ObjectFieldTemplate/index.js';
import OptionalDataControlsTemplate from '@rjsf/antd/lib/templates/OptionalDataControlsTemplate/index.js';
import SubmitButton from '@rjsf/antd/lib/templates/SubmitButton/index.js';
import TitleField from '@rjsf/antd/lib/templates/TitleField/index.js';
import PasswordWidget from '@rjsf/antd/lib/widgets/PasswordWidget/index.js';
import TextareaWidget from '@rjsf/antd/lib/widgets/TextareaWidget/index.js';
import { withTheme } from '@rjsf/core';
import type { RegistryWidgetsType, TemplatesType } from '@rjsf/utils';
import { DateTimeWidget, DateWidget } from './date.widgets';
import { FieldTemplate, WrapIfAdditionalTemplate } from './field.templates';
import { CheckboxesWidget, CheckboxWidget, SelectWidget } from './lazy-widgets';
import { RadioWidget } from './radio.widget';

/**
 * @rjsf/antd's theme, taken piece by piece so two pieces can be swapped: native date inputs in
 * place of antd's DatePicker (keyboard-complete, and without the picker's 30 KB), and a field
 * template without antd's Form.Item (see field.templates.tsx). The range widget falls back to
 * rjsf's native one. Select and checkbox widgets load on first use (lazy-widgets.tsx).
 */
const templates: Partial<TemplatesType> = {
  ArrayFieldItemTemplate,
  ArrayFieldTemplate,
  BaseInputTemplate,
  CyclicSchemaExpandTemplate,
  ButtonTemplates: {
    AddButton,
    CopyButton,
    MoveDownButton,
    MoveUpButton,
    RemoveButton,
    SubmitButton,
    ClearButton,
  },
  DescriptionFieldTemplate: DescriptionField,
  ErrorListTemplate: ErrorList,
  FieldErrorTemplate,
  FieldTemplate,
  GridTemplate,
  MultiSchemaFieldTemplate,
  ObjectFieldTemplate,
  OptionalDataControlsTemplate,
  TitleFieldTemplate: TitleField,
  WrapIfAdditionalTemplate,
};

const widgets: RegistryWidgetsType = {
  CheckboxesWidget,
  CheckboxWidget,
  PasswordWidget,
  RadioWidget,
  SelectWidget,
  TextareaWidget,
  DateWidget,
  DateTimeWidget,
};

export const ThemedForm = withTheme({ templates, widgets });
