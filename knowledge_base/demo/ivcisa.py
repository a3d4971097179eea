# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""IVCISA Support Center: a cloud, data and AI provider in Bogotá (plans Essentials,
Business, Enterprise; P1 incidents covered 24/7/365)."""

CATEGORIES = [
    # slug, name, description, parent slug
    ("getting-started", "Getting started", "How the support center works and how to reach us.", None),
    ("tickets", "Tickets and priorities", "Opening, classifying and following your tickets.", None),
    ("request-types", "Request types", "Which type to choose for each kind of request.", "tickets"),
    ("account", "Your account and security", "Passwords, two-factor authentication and access.", None),
    ("plans", "Plans and service levels", "Support plans, response times and coverage.", None),
    ("engineering", "For engineers", "Internal procedures of the IVCISA support team.", None),
]  # fmt: skip

ARTICLES = [
    {
        "slug": "how-to-request-support",
        "title": "How to request support in three steps",
        "summary": "Sign in, open a ticket with the + button, and fill in the title, details and type.",
        "category": "getting-started",
        "tags": ["getting started", "tickets"],
        "visibility": "public",
        "views": 412,
        "related": ["information-to-gather", "request-types-guide", "follow-your-ticket"],
        "body": """
Most questions are answered faster by the knowledge base than by a ticket, so search it
first. When you do need an engineer, the whole request takes three steps.

## 1. Sign in to the portal

Sign in with the email address and password of your corporate account. If you cannot
remember your password, use **Forgot your password?** on the sign-in page
(see [Resetting your password](/kb/articles/reset-your-password/)).

## 2. Create the ticket

Once you are signed in, click the **+ New ticket** button at the bottom of the navigation
bar. The ticket form opens.

## 3. Complete the fields

| Field | What to write |
|---|---|
| **Title** | A short name for the problem, e.g. *Need help with Amazon S3 bucket permissions*. |
| **Text** | What happened, what you expected, and what you already tried. Attach screenshots or logs as evidence. |
| **Type** | The kind of request: an incident, a networking change, a consultancy question… See [Request types](/kb/articles/request-types-guide/). |

While you type the title, the form suggests articles that may already answer your
question. If one does, click **This solved my problem** and no ticket is created.

When you submit, the ticket gets a unique number (for example `IVC-1042`) that you can use
to follow it.
""",
    },
    {
        "slug": "request-types-guide",
        "title": "Request types: which one to choose",
        "summary": "The nine request types, with examples, so your ticket reaches the right engineers first time.",
        "category": "request-types",
        "tags": ["tickets", "request types"],
        "visibility": "public",
        "views": 268,
        "related": ["how-to-request-support", "how-priorities-are-decided"],
        "body": """
The type routes your ticket to the engineers who specialise in it. Pick the one closest to
your need; if you are unsure, choose **Request** or **Incident** and we will reclassify it.

| Type | Use it for |
|---|---|
| **AI / ML – Machine Learning** | Models, training, inference, ML pipelines and other uses of artificial intelligence. |
| **Cloud Compute** | Creating, sizing or adjusting compute: virtual machines, instances, autoscaling. |
| **Cloud Infrastructure** | Environments, base services, storage and the overall architecture of your cloud. |
| **Networking** | Connectivity, firewalls, VPNs, load balancers and access between services. |
| **Consultancy** | Technical advice: architecture reviews, best practices, specialist recommendations. |
| **Data Analytics** | Analyses, reports, dashboards, queries and analytical processing. |
| **Incident** | Something that used to work has stopped or is degraded and needs attention now. |
| **Request** | A planned need that is not a failure: an access, a configuration, a new service. |
| **Security** | Access and credentials, compliance, vulnerabilities and security events. |

### Incident or request?

An **incident** is unexpected: a service fails or slows down. A **request** is something
you plan: *please open port 443 on the staging firewall next Tuesday*. Requests never
need to be P1.
""",
    },
    {
        "slug": "how-priorities-are-decided",
        "title": "How ticket priorities are decided (P1 to P4)",
        "summary": "P1 is only for a complete outage of critical business services; partial failures are P2 or P3.",
        "category": "tickets",
        "tags": ["priority", "P1", "incidents"],
        "visibility": "public",
        "views": 351,
        "related": ["business-hours-and-p1-coverage", "response-times-and-plans"],
        "body": """
Priority reflects the impact on your business, not how urgent a task feels. Engineers
confirm or adjust it when they first look at the ticket.

| Priority | When it applies | Example |
|---|---|---|
| **P1 – Critical** | A total interruption of critical business services that affects operations broadly and needs emergency work. | Production is down for every user; the main database cluster is unreachable. |
| **P2 – High** | Serious degradation of an important service, or a failure with no reasonable workaround. | Checkout works but takes a minute per order; one region is unavailable. |
| **P3 – Normal** | A partial or minor failure with a workaround, or a problem affecting few users. | A nightly report fails; one VM cannot be resized. |
| **P4 – Low** | Questions, documentation and planned changes. | How do I rotate an access key? Please add a user to the analytics project. |

### Why P1 is strict

P1 tickets page an on-call engineer at any hour, every day of the year. Keeping P1 for
real emergencies is what lets us answer them immediately. Minor failures or partial
degradations are handled as P2 or P3 and still receive a response within your plan's
targets.

Configuration questions and standard procedures (usually P3 or P4) are often answered
straight away by this knowledge base.
""",
    },
    {
        "slug": "information-to-gather",
        "title": "Before you open a ticket: what information to gather",
        "summary": "The affected resource, screenshots, logs and the steps that led to the error.",
        "category": "tickets",
        "tags": ["tickets", "evidence", "logs"],
        "visibility": "public",
        "views": 197,
        "related": ["how-to-request-support", "how-priorities-are-decided"],
        "body": """
The first reply from an engineer is only as good as the information in your ticket.
Gathering these four things before you write saves a round of questions:

1. **The exact service or resource affected** — account or project, region, instance ID,
   bucket or cluster name, URL.
2. **Visual evidence** — screenshots of the error messages, with the time visible if
   possible.
3. **Relevant technical records** — application or system logs around the time of the
   failure, error codes, request IDs.
4. **What led to the failure** — the actions taken just before it happened, what changed
   recently, and whether you can reproduce it.

Also say **when it started** and **how many users are affected**; both help us set the
right priority.

> Remove passwords, private keys and personal data from logs before you attach them.
""",
    },
    {
        "slug": "response-times-and-plans",
        "title": "Response times and support plans",
        "summary": "Targets depend on the ticket's priority and on your plan: Essentials, Business or Enterprise.",
        "category": "plans",
        "tags": ["SLA", "plans", "response time"],
        "visibility": "customers",
        "views": 233,
        "related": [
            "how-priorities-are-decided",
            "business-hours-and-p1-coverage",
            "escalation-matrix",
        ],
        "body": """
How fast we respond and resolve depends on two things:

1. **The priority of the ticket** — how critical and complex the incident is
   (see [How ticket priorities are decided](/kb/articles/how-priorities-are-decided/)).
2. **Your organization's support plan** — Essentials, Business or Enterprise.

| Plan | Designed for | Coverage |
|---|---|---|
| **Essentials** | Teams with non-critical workloads | Standard window Monday to Friday; P1 incidents 24/7/365 |
| **Business** | Production workloads | Faster targets Monday to Friday; P1 incidents 24/7/365 |
| **Enterprise** | Business-critical platforms | Our fastest targets; P1 incidents 24/7/365 |

The exact response and resolution times of your contract are in your service agreement.
Your home page shows which plan your organization is on; your IVCISA account manager can
send you the agreement or explain the targets.

Each ticket shows its own targets and how much time is left while it is open.
""",
    },
    {
        "slug": "reset-your-password",
        "title": "Resetting your password",
        "summary": "Use “Forgot your password?” on the sign-in page; the emailed link is valid for a limited time.",
        "category": "account",
        "tags": ["password", "sign-in", "account"],
        "visibility": "public",
        "views": 389,
        "related": ["two-factor-authentication", "restablecer-contrasena"],
        "body": """
If you forgot your password or cannot sign in, you can set a new one yourself:

1. On the sign-in page, click **Forgot your password?**
2. Enter the email address of your corporate account and send the request.
3. Open the email we send you and follow the link to choose a new password.

**Don't see the email?** Check your *Junk* or *Spam* folder; it normally arrives within a
few minutes. For your protection the page answers the same way whether or not an account
exists for the address.

**Security note:** the link works only once and expires after a short time. Change your
password as soon as you receive it; if the link has expired, simply request a new one.

To change a password you still know, open your profile and choose **Change password**.
Doing so signs out your other sessions.
""",
    },
    {
        "slug": "restablecer-contrasena",
        "title": "Cómo restablecer su contraseña",
        "summary": "Use “Forgot your password?” en la página de inicio de sesión y siga el enlace que recibirá por correo.",
        "category": "account",
        "tags": ["contraseña", "español"],
        "visibility": "public",
        "language": "spanish",
        "views": 74,
        "related": ["reset-your-password"],
        "body": """
Si olvidó su contraseña o no puede iniciar sesión, puede generar una nueva usted mismo:

1. En la página de inicio de sesión, haga clic en **Forgot your password?**
2. Escriba el correo electrónico de su cuenta corporativa y envíe la solicitud.
3. Abra el mensaje que le enviaremos y siga el enlace para elegir una contraseña nueva.

**¿No le llega el correo?** Revise las carpetas de *correo no deseado* o *spam*; suele
llegar en pocos minutos.

**Nota de seguridad:** el enlace sirve una sola vez y vence poco después de enviado.
Cambie la contraseña en cuanto lo reciba; si ya venció, solicite uno nuevo.
""",
    },
    {
        "slug": "two-factor-authentication",
        "title": "Setting up two-factor authentication",
        "summary": "Add an authenticator app so signing in needs a code as well as your password.",
        "category": "account",
        "tags": ["2FA", "security", "sign-in"],
        "visibility": "customers",
        "views": 142,
        "related": ["reset-your-password"],
        "body": """
Two-factor authentication (2FA) protects your support cases even if your password is
stolen: after the password, the portal asks for a six-digit code from an app on your
phone.

## Turn it on

1. Install an authenticator app on your phone (any app that supports time-based codes,
   such as the ones from Microsoft, Google or 1Password).
2. Open your **profile** (your name in the navigation) and, under *Two-factor
   authentication*, click **Set up two-factor authentication**.
3. Scan the QR code with the app, then type the code it shows to confirm.
4. Save the **backup codes** somewhere safe. Each one lets you in once if you lose your
   phone.

From then on, every sign-in asks for a fresh code from the app.

## Lost your phone?

Sign in with one of your backup codes and set up the new phone from your profile. If you
have no backup codes left, ask your organization admin to contact us; for your security
we verify the request before removing 2FA from an account.
""",
    },
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
