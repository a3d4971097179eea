# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""IVCISA articles for after a ticket is open: following it, coverage and escalation,
service status, billing, the account manager, and the support team's own checklists."""

FOLLOW_UP_ARTICLES = [
    {
        "slug": "follow-your-ticket",
        "title": "Following your ticket by its number",
        "summary": "Every ticket gets a number like IVC-1042: use it to check status, reply and add evidence.",
        "category": "tickets",
        "tags": ["tickets", "status"],
        "visibility": "customers",
        "views": 176,
        "related": ["how-to-request-support", "escalation-matrix"],
        "body": """
As soon as you submit a request the system gives it a unique number, for example
`IVC-1042`. It appears on the ticket page and in every email we send about it.

With the number you can:

- **See the current status** — new, in progress, on hold (waiting on you), resolved or
  closed. A resolved ticket can be reopened from its page for 14 days.
- **Talk with the assigned engineer** directly on the ticket page; replies are emailed to
  you as well.
- **Add evidence** such as new screenshots or logs if the situation changes.

Open **My tickets** in the navigation to see all of yours; organization admins also see
their colleagues' tickets. Mention the number whenever you contact us by any other
channel, so we find the case immediately.
""",
    },
    {
        "slug": "business-hours-and-p1-coverage",
        "title": "Business hours and 24/7/365 coverage for P1 incidents",
        "summary": "General requests are handled Monday to Friday; critical P1 incidents are covered around the clock.",
        "category": "plans",
        "tags": ["business hours", "P1", "on-call"],
        "visibility": "public",
        "views": 205,
        "related": ["how-priorities-are-decided", "response-times-and-plans"],
        "body": """
**General inquiries and change requests** are worked during our standard window, Monday
to Friday (Bogotá time, excluding Colombian public holidays). Response-time targets count
only those business hours.

**Critical P1 incidents are covered 24/7/365.** A team of on-call engineers is available
every day of the year, at any hour, to handle an emergency whatever the time. Open the
ticket with priority P1 and the on-call engineer is alerted immediately.

Because P1 wakes people up, it is reserved for a total interruption of critical business
services — see [How ticket priorities are decided](/kb/articles/how-priorities-are-decided/).
""",
    },
    {
        "slug": "service-status",
        "title": "Checking the status of IVCISA services",
        "summary": "The status page shows ongoing incidents and planned maintenance before you open a ticket.",
        "category": "getting-started",
        "tags": ["status page", "maintenance"],
        "visibility": "public",
        "views": 88,
        "related": ["how-to-request-support"],
        "body": """
Before reporting an outage, look at the status page: if we already know about an
incident, it shows what is affected, what we are doing and when the next update is due.

- **Ongoing incidents** are listed at the top with their latest update.
- **Planned maintenance** is announced at least five business days ahead.
- **Subscribe** to receive emails when an incident opens, changes or closes.

If your problem is not listed, or it affects you differently from what the page
describes, open a ticket and mention what you saw on the status page.
""",
    },
    {
        "slug": "billing-information",
        "title": "Where to find billing information",
        "summary": "Invoices, plan changes and billing contacts are handled by your account manager, not through tickets.",
        "category": "plans",
        "tags": ["billing", "invoices"],
        "visibility": "customers",
        "views": 61,
        "related": ["response-times-and-plans"],
        "body": """
Billing questions go to your **IVCISA account manager** rather than the technical support
team, so they reach someone who can act on them straight away.

- **Invoices** are emailed each month to your organization's billing contact.
- **Changing plan** (for example from Business to Enterprise) is arranged with your
  account manager; the new plan's targets apply to tickets opened after the change.
- **Updating the billing contact** or purchase-order details: email your account manager
  from an organization admin's address.

If you do not know who your account manager is, open a ticket of type **Request** and we
will put you in touch.
""",
    },
    {
        "slug": "escalation-matrix",
        "title": "How escalation works",
        "summary": "If a ticket is not resolved within its target, or needs more expertise, it moves up automatically.",
        "category": "tickets",
        "tags": ["escalation", "SLA"],
        "visibility": "customers",
        "views": 93,
        "related": ["response-times-and-plans", "follow-your-ticket"],
        "body": """
Our escalation matrix is an operational guide that sets maximum response times and the
route a ticket takes through the support team.

- A ticket starts with a **level 1 engineer**, who diagnoses it and solves most requests.
- If it needs deeper expertise, it goes to **level 2** or **level 3** specialists.
- If it is **not resolved within the time set for its priority**, the matrix indicates which
  engineers or managers take it over, and they are notified automatically.

You do not need to do anything for this to happen. If you feel a ticket needs attention
sooner, reply on it and explain the business impact; the engineer can raise its priority.
""",
    },
    {
        "slug": "architecture-review",
        "title": "Requesting an architecture review",
        "summary": "Business and Enterprise customers can ask our architects to review a design before it goes live.",
        "category": "request-types",
        "tags": ["consultancy", "architecture"],
        "visibility": "customers",
        "plans": ["Business", "Enterprise"],
        "views": 47,
        "related": ["request-types-guide"],
        "body": """
On the Business and Enterprise plans, our cloud architects review a design with you
before it goes to production.

**How to ask for one:** open a ticket of type **Consultancy** with priority **P4** and
include

- a diagram of the proposed architecture (or a link to it),
- the workloads and expected traffic,
- your deadline and any compliance requirements.

We reply within two business days to schedule a working session, and send a written
summary of recommendations afterwards. Enterprise customers can book one review per
quarter as part of their plan; on Business, reviews are scheduled as capacity allows.
""",
    },
    {
        "slug": "enterprise-technical-account-manager",
        "title": "Enterprise: your technical account manager",
        "summary": "A named engineer who knows your platform, joins P1 incidents and runs quarterly service reviews.",
        "category": "plans",
        "tags": ["enterprise", "account manager"],
        "visibility": "customers",
        "plans": ["Enterprise"],
        "views": 29,
        "related": ["architecture-review", "response-times-and-plans"],
        "body": """
Enterprise organizations have a **technical account manager (TAM)**: a senior engineer who
knows your platform and stays with you over time.

Your TAM

- joins every **P1 incident** of your organization and keeps your management informed,
- runs a **quarterly service review** of your tickets, targets met and recurring issues,
- helps plan **changes and migrations** so they do not turn into incidents.

Your TAM's name and contact details are in your welcome pack; your organization admin can
also ask us for them on a ticket.
""",
    },
    {
        "slug": "l1-triage-checklist",
        "title": "L1 triage checklist",
        "summary": "Internal: what to check in the first fifteen minutes of a new ticket.",
        "category": "engineering",
        "tags": ["internal", "triage"],
        "visibility": "staff",
        "views": 54,
        "related": ["how-priorities-are-decided"],
        "body": """
For engineers of the IVCISA support team. Customers cannot see this article.

1. **Confirm the priority** against the P1–P4 matrix. Downgrade politely and explain why;
   upgrade at once if the impact is worse than described.
2. **Check the type** and reclassify so the right queue owns it.
3. **Look for a known incident** on the status page and for duplicates from the same
   organization.
4. **Ask for what is missing** in one reply: resource, evidence, logs, steps.
5. **Link a knowledge base article** when one answers the question — use the article
   picker beside the reply box.
6. **P1 only:** acknowledge within the target, start the incident channel and page the
   on-call L2 if it is not fixed within 30 minutes.
""",
    },
]
