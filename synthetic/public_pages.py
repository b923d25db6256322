"""The demo's public pages and MASH queue (issue 16): pages for the fictional council, written in plain words and
saved through the real actions as its demo content editor, and a few synthetic concerns from the public waiting
in its MASH queue (one already triaged, so the queue shows both lists).

Every name, phone number and email address is invented: phone numbers are from Ofcom's ranges kept for drama
(01632 960xxx, 07700 900xxx) and email addresses end in example.test. A second run changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from access.models import Agency, User
from public.actions import close_concern, save_page, submit_concern
from public.codes import CloseReason, MissingNow, ReporterRole
from public.models import Concern, PublicPage


@dataclass(frozen=True)
class PublicDemoResult:
    pages: int
    concerns: int


RUN_AWAY = """\
You are not in trouble for reading this. If you have run away, or you are thinking about it, you can talk to someone
today.

## If you are in danger now

Call **999**. You can also text 999 if you have registered with emergencySMS.

## Talk to someone

Call or text **116 000**, any time, day or night. It is free and it will not show on your phone bill. You do not
have to give your name. They will listen and help you stay safe. They will not tell anyone unless your life is in
danger.

## Things that might be happening

- things at home are hard, or someone is hurting you
- someone older is giving you gifts, money, lifts or drugs and asking for things back
- someone wants you to carry things or go to places far away
- you feel like nobody listens

None of this is your fault. Adults whose job is to keep you safe want to know, and they can help.

## When you come home

Someone who is not from the police will offer to talk to you about what happened. It is called a return home
interview. You can choose where you meet and who is there. It is a chance to say what would help.
"""

CHILD_MISSING = """\
If your child is missing and you think they are in danger, **call 999 now**. Otherwise call the police on **101**.
Do not wait 24 hours: you can report a child missing straight away.

## What the police will ask

- a description of your child and what they were wearing
- a recent photo
- when and where they were last seen, and who with
- where they might go: friends, family, places they like
- their phone number and social media accounts
- any medical needs or medication

## While you wait

- stay at home if you can, or leave someone there, in case your child comes back
- ring friends and family, and check your child's social media
- write down anything you remember

## When your child comes home

Tell the police they are back. Within 72 hours your child will be offered a **return home interview** with someone
independent of the police. It helps us understand why they went and what would keep them safe. You can ask for
support for yourself too.

Call or text **116 000** for advice, 24 hours a day. Parents can also call it.
"""

PROFESSIONALS = """\
Going missing is a symptom, not the problem. A child who goes missing may be running from abuse or neglect, or may
be groomed and exploited for sex or to move drugs.

You do not have to be a social worker to notice. A teacher, a sports coach, a shop worker, a taxi driver or a
hotel receptionist may be the first to see the signs.

## Signs to look out for

- often missing from home, care or school, or returning late
- new phones, clothes, money or gifts they cannot explain
- older friends, or being picked up in cars by people you do not know
- travelling far from home, or being found in another town
- unexplained injuries, or seeming frightened, withdrawn or angry
- a change in behaviour, friends or appearance

## Who to tell

- if a child is in immediate danger, **call 999**
- if you work for a school, health, the police or the council, use your own safeguarding procedures
- otherwise, [tell us you are worried about a child](/help/{code}/tell-us-about-a-child/) or call the
  Multi Agency Safeguarding Hub on **01632 960100**

You will not get anyone into trouble by asking. We would rather hear from you than not.
"""

AFTER_HOME = """\
When a child comes home after being missing, they are offered a **return home interview** within 72 hours.

## What it is

A conversation with a trained worker who is independent of the police. The child chooses where to meet. It is not
an investigation: it is a chance to find out why they went, what happened while they were away, and what would help.

## What is shared, and why

What the child says is written down and kept securely by the council. It is shared with the police, the child's
school or health services only when that is needed to keep the child or another child safe, and the child is told
unless telling them would put them at risk. Every time someone opens the record, it is logged.

## Support afterwards

The council may offer the family help, such as a family support worker, counselling, or help with school. The
child can call or text **116 000** at any time.
"""

CONTACT = """\
## Northmoor Multi Agency Safeguarding Hub (MASH)

- phone: **01632 960100** (Monday to Friday, 9am to 5pm)
- email: [mash@northmoor.example.test](mailto:mash@northmoor.example.test)

## Out of hours

Children's social care emergency duty team: **01632 960200** (evenings, weekends and bank holidays)

## Police

- emergency: **999**
- non-emergency, or to report a missing child who is not in immediate danger: **101**

## Runaway Helpline

Call or text **116 000**, or email [116000@runawayhelpline.org.uk](mailto:116000@runawayhelpline.org.uk). Free,
confidential, 24 hours.
"""

PAGES = (
    (
        "if-you-have-run-away",
        10,
        "If you have run away or are thinking about it",
        "For young people: who you can talk to, any time, and what happens when you come home.",
        RUN_AWAY,
    ),
    (
        "if-your-child-is-missing",
        20,
        "If your child is missing",
        "For parents and carers: when to call 999 or 101, what the police will ask, and what happens next.",
        CHILD_MISSING,
    ),
    (
        "for-professionals-and-the-community",
        30,
        "For professionals and the community",
        "Going missing is a symptom. The signs of exploitation and grooming, and who to tell.",
        PROFESSIONALS,
    ),
    (
        "what-happens-after-a-child-comes-home",
        40,
        "What happens after a child comes home",
        "Return home interviews, what is shared and why, and support for the family.",
        AFTER_HOME,
    ),
    (
        "contact-us",
        50,
        "Contact us",
        "The Multi Agency Safeguarding Hub, the out-of-hours team, the police and the Runaway Helpline.",
        CONTACT,
    ),
)

CONCERNS = (
    {
        "reporter_name": "Sam Demo-Coach",
        "reporter_role": ReporterRole.YOUTH,
        "reporter_organisation": "Northmoor Juniors Football Club (synthetic)",
        "reporter_email": "coach@example.test",
        "child_name": "A boy the others call Jay",
        "child_age": "about 14",
        "child_whereabouts": "Trains on Tuesdays at the leisure centre; seen at the bus station late at night",
        "missing_now": MissingNow.NOT_KNOWN,
        "worry": "He has missed training for three weeks. Last time he came he had a new phone and cash, and an "
        "older man in a car picked him up. He said he had been 'working' in another town. (Synthetic demo text.)",
    },
    {
        "reporter_name": "Alex Demo-Shopkeeper",
        "reporter_role": ReporterRole.BUSINESS,
        "reporter_organisation": "Corner shop, Station Road (synthetic)",
        "reporter_phone": "07700 900123",
        "child_name": "",
        "child_age": "12 or 13",
        "child_whereabouts": "Comes into the shop after school, in a Northmoor Academy uniform",
        "missing_now": MissingNow.NO,
        "worry": "A girl keeps coming in at 11pm buying food for a group of adults who wait outside. She looked "
        "scared and asked me not to tell anyone. (Synthetic demo text.)",
    },
    {
        "reporter_name": "Pat Demo-Nurse",
        "reporter_role": ReporterRole.HEALTH,
        "reporter_organisation": "Pharmacy on the High Street (synthetic)",
        "reporter_email": "pharmacy@example.test",
        "reporter_phone": "07700 900456",
        "child_name": "Mia",
        "child_age": "15",
        "child_whereabouts": "Lives near the retail park",
        "missing_now": MissingNow.YES,
        "worry": "Her mum came in today saying Mia has not been home for two nights and the police know. Mia told "
        "me last month she was staying with a 'boyfriend' who is 24. (Synthetic demo text.)",
    },
    {
        "reporter_name": "Jo Demo-Driver",
        "reporter_role": ReporterRole.BUSINESS,
        "reporter_organisation": "Northmoor Taxis (synthetic)",
        "reporter_phone": "07700 900789",
        "child_name": "",
        "child_age": "teenager",
        "child_whereabouts": "Picked up from the hotel on the ring road",
        "missing_now": MissingNow.NOT_KNOWN,
        "worry": "I was booked at 2am to take a young teenage boy from the hotel to an address in another town, "
        "paid for by an adult who did not travel. (Synthetic demo text.)",
    },
)


def add_public_demo(*, editor: User, mash: User, council: Agency) -> PublicDemoResult:
    """Publish the council's pages as its editor, and put the demo concerns in its MASH queue (once each)."""
    pages = 0
    if not PublicPage.objects.filter(council=council).exists():
        review_by = timezone.localdate() + dt.timedelta(days=180)
        for slug, order, title, summary, body in PAGES:
            save_page(
                None,
                council=council,
                slug=slug,
                order=order,
                title=title,
                summary=summary,
                body=body.replace("{code}", council.code),
                review_by=review_by,
                publish=True,
                acting_user=editor,
            )
            pages += 1
        # One page with a newer draft the public does not see yet, so the editor's list shows both states.
        contact = PublicPage.objects.get(council=council, slug="contact-us")
        save_page(
            contact,
            council=council,
            slug=contact.slug,
            order=contact.order,
            title="Contact us",
            summary=PAGES[-1][3],
            body=CONTACT + "\n## Early help\n\nFamily support: **01632 960300** (draft: number to be confirmed)\n",
            review_by=contact.review_by,
            publish=False,
            acting_user=editor,
            expected_version=contact.version,
        )
    concerns = 0
    if not Concern.objects.filter(council=council).exists():
        made = [submit_concern(council, **fields) for fields in CONCERNS]
        concerns = len(made)
        close_concern(
            made[-1],
            reason=CloseReason.ALREADY_KNOWN,
            note="Already known to the police: passed to their missing persons team. (Synthetic demo note.)",
            expected_version=made[-1].version,
            acting_user=mash,
        )
    return PublicDemoResult(pages=pages, concerns=concerns)
