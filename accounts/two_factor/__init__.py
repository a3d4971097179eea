"""Two-factor authentication with authenticator apps (django-otp TOTP) and backup codes
(django-otp static tokens): enrolment, the sign-in code step, disabling, admin resets, the
tenant policy and the rate limits on codes."""
