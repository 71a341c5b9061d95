import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '@anom/domain';
import type { InputErrorDetail } from '@anom/contracts';

/**
 * class-validator for request DTOs, answering 400 problem+json whose
 * `errors[]` carry a JSON pointer per offending property
 * (`/fields/1/type`) and the reasons.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors, '');
      return new DomainError('VALIDATION_FAILED', details.map((d) => `${d.pointer || '/'}: ${d.detail}`).join('; '), details);
    },
  });
}

function flatten(errors: ValidationError[], prefix: string): InputErrorDetail[] {
  const out: InputErrorDetail[] = [];
  for (const e of errors) {
    const pointer = `${prefix}/${e.property}`;
    if (e.constraints) {
      const reasons = Object.values(e.constraints).map((m) => m.replace(/^property (\S+) /, '').replace(new RegExp(`^${e.property} `), ''));
      out.push({ pointer, detail: reasons.join('; ') });
    }
    if (e.children?.length) out.push(...flatten(e.children, pointer));
  }
  return out;
}
