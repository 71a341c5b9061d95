import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, pointerSegment } from '@anom/domain';
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
      return new DomainError(
        'VALIDATION_FAILED',
        details.map((d) => `${d.pointer || '/'}: ${d.detail}`).join('; '),
        details,
      );
    },
  });
}

function flatten(errors: ValidationError[], prefix: string): InputErrorDetail[] {
  const out: InputErrorDetail[] = [];
  for (const e of errors) {
    const pointer = `${prefix}/${pointerSegment(e.property)}`;
    if (e.constraints) {
      // Messages start with the property's name: cut it by length, never by building a RegExp from a name a client
      // chose.
      const reasons = Object.values(e.constraints).map((m) => {
        const rest = m.startsWith(`property ${e.property} `) ? m.slice(`property ${e.property} `.length) : m;
        return rest.startsWith(`${e.property} `) ? rest.slice(e.property.length + 1) : rest;
      });
      out.push({ pointer, detail: reasons.join('; ') });
    }
    if (e.children?.length) out.push(...flatten(e.children, pointer));
  }
  return out;
}
