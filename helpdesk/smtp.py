"""What an SMTP failure means for an outbox email: try again later, or give up now."""

import smtplib
from dataclasses import dataclass

# Answers about our own connection or credentials (authentication required, failed or too
# weak), not about the message: an administrator fixes them, and the emails then go out.
SERVER_SIDE_CODES = {530, 534, 535, 538}


@dataclass(frozen=True)
class Failure:
    permanent: bool
    reason: str


def _answer(code: int, message) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()


def _permanent_code(code: int) -> bool:
    return 500 <= code < 600 and code not in SERVER_SIDE_CODES


def classify(error: Exception) -> Failure:
    """A permanent failure is the relay's 5xx answer about this message: its sender, every
    one of its recipients (550 no such user) or its content. Everything else - refused or
    dropped connections, timeouts, 4xx answers, authentication - is transient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.items())
        reason = "; ".join(f"{address}: {_answer(*answer)}" for address, answer in answers)
        permanent = bool(answers) and all(_permanent_code(code) for _, (code, _) in answers)
        return Failure(permanent=permanent, reason=f"Recipients refused: {reason}")
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        what = "Sender refused" if isinstance(error, smtplib.SMTPSenderRefused) else "Refused"
        return Failure(
            permanent=_permanent_code(error.smtp_code),
            reason=f"{what}: {_answer(error.smtp_code, error.smtp_error)}",
        )
    return Failure(permanent=False, reason=f"{type(error).__name__}: {error}")
