import { z } from 'zod';

const base64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

// PRF outputs are key material for the device's vault: the browser must drop them before posting.
const clientExtensionResults = z
  .looseObject({
    prf: z
      .looseObject({ enabled: z.boolean().optional() })
      .refine((prf) => !('results' in prf), {
        message:
          'PRF results are secret key material and must be removed before sending (keep only "enabled")',
      })
      .optional(),
  })
  .default({});

export const registrationResponseSchema = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
  response: z.looseObject({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: z
      .array(
        z
          .string()
          .max(32)
          .regex(/^[a-z0-9-]*$/, 'must be a transport name such as internal or usb'),
      )
      .max(10)
      .optional(),
  }),
});

export const authenticationResponseSchema = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
  response: z.looseObject({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
});

// Names are shown in lists and stored as text, which cannot hold a NUL: control characters are refused.
const noControlCharacters = /^[^\p{Cc}]*$/u;
const displayName = z
  .string()
  .trim()
  .min(1, 'enter a name of 1 to 64 characters')
  .max(64, 'use at most 64 characters')
  .regex(noControlCharacters, 'use letters, digits and punctuation, no control characters');
const passkeyName = z
  .string()
  .trim()
  .min(1, 'enter a name of 1 to 64 characters')
  .max(64, 'use at most 64 characters')
  .regex(noControlCharacters, 'use letters, digits and punctuation, no control characters');
const token = z.string().min(20, 'is too short to be an invite token').max(100);

export const registerOptionsBody = z.object({ displayName, inviteToken: token.optional() });
export const registerVerifyBody = z.object({
  response: registrationResponseSchema,
  passkeyName: passkeyName.optional(),
});
export const signInVerifyBody = z.object({ response: authenticationResponseSchema });
export const addPasskeyVerifyBody = registerVerifyBody;
export const renamePasskeyBody = z.object({ name: passkeyName });
export const inspectInviteBody = z.object({ token });
