# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""Invoca Support: a SaaS company (plans Mission Critical, Premium, Core, Basic; Monday to
Friday 8 AM–5 PM Pacific, urgent cases watched after hours for Mission Critical)."""

from .priorities import priority_table

CATEGORIES = [
    # slug, name, description, parent slug
    ("getting-help", "Getting help", "How Invoca Support works and how to reach the team.", None),
    ("cases", "Support cases", "Submitting, prioritizing and following your cases.", None),
    ("case-priorities", "Priorities and SLAs", "How cases are prioritized and the targets for each plan.", "cases"),
    ("account-access", "Account and sign-in", "Passwords, two-factor authentication and access.", None),
    ("billing-status", "Billing and platform status", "Invoices, account information and service status.", None),
    ("support-team", "Support team playbooks", "Internal procedures for Invoca engineers.", None),
]  # fmt: skip

_SLA_TABLE = """
| Service level | P1 first response | P1 resolution | P2 first response | P2 resolution | P3/P4 first response |
|---|---|---|---|---|---|
| **Mission Critical** | 1 hour, any time of day or year | 7 business days | 4 business hours | 10 business days | 8 business hours |
| **Premium** | 2 business hours | 7 business days | 4 business hours | 10 business days | 8 business hours |
| **Core** | 8 business hours | — | 16 business hours | — | 24 business hours |
| **Basic** | 12 business hours | — | 24 business hours | — | 32 business hours |
"""

ARTICLES = [
    {
        "slug": "getting-help-from-support",
        "title": "How to get help from Invoca Support",
        "summary": "Search the knowledge base first, then submit a case; technical issues only — your account team handles the rest.",
        "category": "getting-help",
        "tags": ["getting started", "cases"],
        "visibility": "public",
        "views": 530,
        "related": [
            "what-to-include-in-a-case",
            "case-priorities-explained",
            "business-hours-and-after-hours",
        ],
        "body": """
Invoca Support solves technical issues with your Invoca network. Here is the quickest way
to an answer.

## 1. Search the knowledge base

Most questions are already answered here. **Sign in first**: some articles can only be
read by customers who are signed in, so you will find more.

## 2. Submit a case

If you still need help, open a new case from the **+ New ticket** button. As you type the
title we suggest matching articles; if one solves your problem you are done, and no case
is created. Otherwise complete the form and submit. An engineer contacts you based on the
case's priority and the service level of your support package.

## 3. Keep your case number handy

Every case gets a number (for example `INV-2087`). Have it ready whenever you contact us
by phone or email, so we can pull up the case straight away.

### Not a technical question?

Questions about succeeding with Invoca — implementation help, enabling or buying new
features — go to your **account team**. If you do not have an assigned team, write to
success@invoca.example.
""",
    },
    {
        "slug": "case-reasons",
        "title": "Choosing a case reason",
        "summary": "The reason you pick sets the case's default priority and routes it to the right specialists.",
        "category": "cases",
        "tags": ["cases", "case reason"],
        "visibility": "public",
        "views": 214,
        "related": ["case-priorities-explained", "what-to-include-in-a-case"],
        "body": """
Each case reason (and its sub-category) maps to a **default priority**, so choosing the
closest one gets your case to the right people at the right speed.

| Reason | Choose it when |
|---|---|
| **Platform outage** | The Invoca platform or its reporting is unavailable for your account. |
| **Call routing or tracking** | Calls are not routed, recorded or attributed the way your configuration says. |
| **Integrations** | Data is not flowing to or from a connected system (CRM, analytics, ad platforms). |
| **Reporting and data** | Numbers in reports look wrong, are late, or exports fail. |
| **Configuration question** | You want to know how to set something up. |
| **Access and users** | Sign-in problems, roles and permissions, new users. |

An engineer confirms the priority after reading your description and can raise or lower
it. If the impact is bigger than the default suggests, say so in the first paragraph.
""",
    },
    {
        "slug": "case-priorities-explained",
        "title": "How Invoca prioritizes cases",
        "summary": "Four priorities, from P1 (critical platform problem) to P4 (questions and requests).",
        "category": "case-priorities",
        "tags": ["priority", "P1", "SLA"],
        "visibility": "public",
        "views": 377,
        "related": ["sla-by-service-level", "business-hours-and-after-hours"],
        "body": """
We use a prioritization system so the most severe issues are handled first. The same
names and definitions appear beside each choice when you open a case.

"""
        + priority_table(
            "invoca",
            {
                "P1": "No calls are being tracked; the platform will not load for any user.",
                "P2": "Calls route, but recordings are missing; one integration has stopped syncing.",
                "P3": "One report shows an error; a single campaign is misattributed.",
                "P4": "How do I add a user? A label is misspelled.",
            },
        )
        + """
Targets for the **first response** (a personal, non-automatic reply from an engineer) and,
where the plan includes it, the **resolution** (a permanent fix that brings the platform
back in line with its specifications) depend on your service level — see
[Support plans and response targets](/kb/articles/sla-by-service-level/) (sign in first:
the targets of your own plan are for signed-in customers).
""",
    },
    {
        "slug": "what-to-include-in-a-case",
        "title": "What to include when you submit a case",
        "summary": "Account, affected numbers or campaigns, example calls, screenshots and when it started.",
        "category": "cases",
        "tags": ["cases", "evidence"],
        "visibility": "public",
        "views": 241,
        "related": ["getting-help-from-support", "case-reasons"],
        "body": """
Cases with complete information are solved faster because the engineer can start work
without coming back to you.

Include:

1. **Where** — the network and account affected, and the campaigns, numbers or
   integrations involved.
2. **Examples** — two or three example calls (time, calling number, tracking number) or
   report rows that show the problem.
3. **Evidence** — screenshots of errors or of the report that looks wrong.
4. **When** — when it started, whether it is still happening, and anything that changed
   just before (a new campaign, a configuration change, a release on your side).
5. **Impact** — how many users or calls are affected; this helps us confirm the priority.

Do not paste passwords or full card numbers into a case.
""",
    },
    {
        "slug": "sla-by-service-level",
        "title": "Support plans and response targets",
        "summary": "First response and resolution targets for Mission Critical, Premium, Core and Basic.",
        "category": "case-priorities",
        "tags": ["SLA", "plans", "response time"],
        "visibility": "customers",
        "views": 298,
        "related": [
            "case-priorities-explained",
            "business-hours-and-after-hours",
            "after-hours-mission-critical",
        ],
        "body": """
Our targets depend on the case's priority and on the **service level** your account is
subscribed to. Business hours are Monday to Friday, 8 AM to 5 PM Pacific time.
"""
        + _SLA_TABLE
        + """
- **First response** is a personal reply from an engineer — written, spoken or electronic,
  never an automatic acknowledgement.
- **Resolution** is a permanent fix that brings the platform back in line with its
  specifications. Core and Basic plans have first-response targets only.

Not sure which service level you have? Your home page shows your organization's plan, or
ask your Customer Success Manager.
""",
    },
    {
        "slug": "reset-your-password",
        "title": "Resetting your password",
        "summary": "Request a reset link from the sign-in page; it expires quickly and works once.",
        "category": "account-access",
        "tags": ["password", "sign-in"],
        "visibility": "public",
        "views": 402,
        "related": ["two-factor-authentication"],
        "body": """
1. On the sign-in page, click **Forgot your password?**
2. Enter your work email address and send the request.
3. Open the email from Invoca Support and follow the link to set a new password.

The link can be used **once** and expires after a short time, so use it straight away. If
it has expired, request another one. Nothing arrived after a few minutes? Check your spam
or junk folder, and make sure you used the address your account was created with.

Signed in and just want a new password? Open your profile and choose **Change password**;
your other sessions are signed out.
""",
    },
    {
        "slug": "two-factor-authentication",
        "title": "Turning on two-factor authentication",
        "summary": "Protect your account with a code from an authenticator app at every sign-in.",
        "category": "account-access",
        "tags": ["2FA", "security"],
        "visibility": "customers",
        "views": 133,
        "related": ["reset-your-password"],
        "body": """
With two-factor authentication, signing in takes your password **and** a six-digit code
from an authenticator app on your phone, so a leaked password alone cannot open your
account.

1. Install an authenticator app that supports time-based one-time codes.
2. Open your **profile** (your name in the navigation) and, under *Two-factor
   authentication*, click **Set up two-factor authentication**.
3. Scan the QR code with the app and enter the code it shows.
4. Store your **backup codes** in a safe place; each works once if your phone is lost.

If you lose your phone and your backup codes, your organization admin can ask us to reset
two-factor authentication after we verify the request.
""",
    },
    {
        "slug": "follow-your-case",
        "title": "Finding and following your case",
        "summary": "Your cases, their numbers and statuses are listed under My tickets.",
        "category": "cases",
        "tags": ["cases", "status", "case number"],
        "visibility": "customers",
        "views": 188,
        "related": ["getting-help-from-support"],
        "body": """
Sign in and open **My tickets** to see every open case associated with your user; the
**case number** is shown beside each one. Quote it whenever you call or email us.

Each case shows one of these statuses:

| Status | What it means |
|---|---|
| **New** | Received; an engineer will pick it up within your first-response target. |
| **In progress** | An engineer is working on it. |
| **On hold – waiting on you** | We need information or a confirmation from you. |
| **Resolved** | We believe it is fixed. If it is not, reopen it from the case page within 14 days. |
| **Closed** | Finished. Open a new case and mention the old number if the problem returns. |

Open a case to read the conversation, reply to the engineer or attach new evidence.
""",
    },
    {
        "slug": "business-hours-and-after-hours",
        "title": "Business hours and after-hours coverage",
        "summary": "Monday to Friday, 8 AM–5 PM Pacific; urgent requests are watched after hours for Mission Critical.",
        "category": "getting-help",
        "tags": ["business hours", "P1"],
        "visibility": "public",
        "views": 219,
        "related": ["case-priorities-explained", "after-hours-mission-critical"],
        "body": """
The Invoca Support team works **Monday to Friday, 8 AM to 5 PM Pacific time**. Response
targets expressed in business hours only count that window, so a case opened on Friday
at 4 PM with a 4-business-hour target is due by 11 AM on Monday.

**Outside business hours** the team also monitors urgent support requests for customers
subscribed to the **Mission Critical** service level, whose P1 cases have a one-hour
first-response target at any time of day or year.

On other service levels, cases submitted after hours are picked up at the start of the
next business day, in order of priority.
""",
    },
    {
        "slug": "invoca-status-page",
        "title": "Subscribing to the Invoca status page",
        "summary": "Get notified of maintenance windows and performance incidents before they surprise you.",
        "category": "billing-status",
        "tags": ["status page", "maintenance"],
        "visibility": "public",
        "views": 96,
        "related": ["getting-help-from-support"],
        "body": """
We strongly encourage every customer to **subscribe to the Invoca status page**. Subscribers
are told about

- upcoming **maintenance windows** of the Invoca platform, and
- **ongoing performance issues**, with updates until they are resolved.

If something looks wrong, check the status page first: when an incident is already listed
there is no need to open a case, and its updates will tell you when it is fixed. If your
problem is not listed, submit a case and mention what you checked.
""",
    },
    {
        "slug": "billing-information",
        "title": "How to access billing information for your account",
        "summary": "Invoices and plan details are available to your account's billing admins; questions go to your account team.",
        "category": "billing-status",
        "tags": ["billing", "invoices"],
        "visibility": "customers",
        "views": 120,
        "related": ["sla-by-service-level"],
        "body": """
Billing information is available to the people your company has named as **billing
admins**:

- **Invoices and payment history** are emailed to the billing contact each month.
- **Your support package** (Mission Critical, Premium, Core or Basic) is shown on your home
  page in this portal.
- **Changes** — a new billing contact, a purchase order, an upgrade of your service level —
  are handled by your account team or Customer Success Manager.

Billing questions are not technical cases, so please send them to your account team rather
than submitting a case; if you do not have one, write to success@invoca.example.
""",
    },
    {
        "slug": "after-hours-mission-critical",
        "title": "Reaching Support outside business hours (Mission Critical)",
        "summary": "How Mission Critical customers raise an urgent P1 at night, at weekends and on holidays.",
        "category": "case-priorities",
        "tags": ["mission critical", "P1", "after hours"],
        "visibility": "customers",
        "plans": ["Mission Critical"],
        "views": 58,
        "related": ["business-hours-and-after-hours", "sla-by-service-level"],
        "body": """
Your organization's Mission Critical service level includes after-hours monitoring of
urgent requests.

1. **Submit the case as P1** and describe the business impact in the first lines: what is
   down and since when.
2. The on-call engineer is alerted at once and replies **within one hour**, at any time of
   day or year.
3. For a follow-up by phone, call the support line and give your **case number**; the
   after-hours team answers for Mission Critical accounts.

Please keep after-hours P1 for critical platform problems; other cases are picked up at
8 AM Pacific on the next business day.
""",
    },
    {
        "slug": "resolution-targets-premium",
        "title": "Resolution targets on Premium and Mission Critical",
        "summary": "What a resolution target covers, and how we keep you updated while a fix is in progress.",
        "category": "case-priorities",
        "tags": ["SLA", "resolution"],
        "visibility": "customers",
        "plans": ["Mission Critical", "Premium"],
        "views": 41,
        "related": ["sla-by-service-level"],
        "body": """
Premium and Mission Critical include **resolution targets**: 7 business days for P1 and
10 business days for P2.

- The clock counts **business days** and pauses while a case is *waiting on you*.
- A **workaround** that restores service is provided as soon as possible; the resolution
  target is for the permanent fix.
- While a fix is in progress you receive an update at least every business day for P1 and
  every two business days for P2.

If a target is at risk, the case is escalated to a support manager automatically, and you
are told the new plan.
""",
    },
    {
        "slug": "after-hours-page-playbook",
        "title": "Playbook: handling an after-hours page",
        "summary": "Internal: acknowledge, confirm P1, communicate, hand over.",
        "category": "support-team",
        "tags": ["internal", "on-call"],
        "visibility": "staff",
        "views": 37,
        "related": ["after-hours-mission-critical"],
        "body": """
For the Invoca support team only.

1. **Acknowledge the page** within 10 minutes and reply on the case within the hour — the
   one-hour first response is contractual for Mission Critical.
2. **Confirm it is P1.** If not, lower the priority, explain why, and tell the customer
   when business hours resume.
3. **Check the status page** and the incident channel for a platform-wide issue; link the
   case to it if there is one.
4. **Update the customer every hour** until service is restored.
5. **Hand over** at 8 AM Pacific with a summary note on the case.
""",
    },
]
