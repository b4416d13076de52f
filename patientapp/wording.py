"""The patient's words: the check-in's questions, and the translatable strings that other
modules keep in English (rule messages, guidance, plan items), so makemessages finds them.

The strings below must equal their originals in recovery/rules.py and reminders/plan.py;
tests/patientapp/test_i18n.py checks that every one of those has a Spanish translation.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The bone-medicine question (PROTOCOL.md section 6), asked when its reminder fell due: the
# codes of recovery.choices.BoneMedicine in everyday words.
BONE_MEDICINE_ANSWERS = [
    ("as_prescribed", _("Yes, I take it as I was told")),
    ("missed_some", _("Yes, but I have missed some")),
    ("stopped", _("No, I have stopped taking it")),
    ("not_prescribed", _("I have not been given any")),
]

# One yes/no question per symptom code of PROTOCOL.md section 4, in everyday words.
SYMPTOM_QUESTIONS = {
    "chest_pain": (_("Do you have pain in your chest?"), _("Any pain, tightness or pressure.")),
    "shortness_of_breath": (
        _("Are you short of breath or finding it hard to breathe?"),
        _("More than usual for you, even when resting."),
    ),
    "bowel_bladder_change": (
        _("Is it harder to control your bladder or bowels?"),
        _("For example, leaking, or not being able to pass urine."),
    ),
    "leg_numbness": (
        _("Do your legs feel numb or tingly?"),
        _("Like pins and needles, or less feeling than usual."),
    ),
    "leg_weakness": (
        _("Do your legs feel weak?"),
        _("For example, they give way or are hard to lift."),
    ),
    "new_sudden_pain": (
        _("Have you had sudden new pain in your back?"),
        _("Pain that came on quickly, not the pain you had before."),
    ),
    "fever": (_("Do you feel feverish?"), _("Hot, sweaty or flushed.")),
    "chills": (_("Have you had chills or shivering?"), _("Feeling cold and shaking.")),
    "site_redness": (
        _("Is the skin red where the needle went in?"),
        _("Look at the small wound on your back, or ask someone to look."),
    ),
    "site_swelling": (
        _("Is it swollen where the needle went in?"),
        _("A bump or puffiness around the small wound."),
    ),
}

# Short names of the symptoms, for the review screen and history.
SYMPTOM_NAMES = {
    "chest_pain": _("Chest pain"),
    "shortness_of_breath": _("Trouble breathing"),
    "bowel_bladder_change": _("Bladder or bowel change"),
    "leg_numbness": _("Numb or tingly legs"),
    "leg_weakness": _("Weak legs"),
    "new_sudden_pain": _("Sudden new back pain"),
    "fever": _("Feverish"),
    "chills": _("Chills or shivering"),
    "site_redness": _("Redness where the needle went in"),
    "site_swelling": _("Swelling where the needle went in"),
}

REMINDER_STATUS = {
    "scheduled": _("Coming up"),
    "sent": _("Sent"),
    "skipped": _("Not sent"),
    "failed": _("Could not be sent"),
    "cancelled": _("Cancelled"),
}

# recovery/rules.py: the alert messages and the guidance, as a patient reads them.
RULE_MESSAGES = [
    gettext_noop("You reported a fever or chills. Please contact your care team today."),
    gettext_noop(
        "You reported numbness or weakness in your legs. Please contact your care team today."
    ),
    gettext_noop("Shortness of breath or chest pain can be serious. Call emergency services now."),
    gettext_noop(
        "A change in bowel or bladder control can be serious. Call emergency services now."
    ),
    gettext_noop(
        "You reported redness or swelling where the needle went in. "
        "Your care team will review this."
    ),
    gettext_noop("Your pain is higher than before. Your care team will review this."),
    gettext_noop(
        "Your pain has not eased as much as we expect by now. Your care team will review this."
    ),
    gettext_noop(
        "Sudden new back pain can mean a new fracture. Please contact your care team today."
    ),
    gettext_noop(
        "We have not had a check-in from you for a few days. Your care team can see this."
    ),
    gettext_noop("You told us you stopped your bone medicine. Your care team will review this."),
    gettext_noop(
        "Your bone medicine injection (denosumab) is overdue. Your care team will be in touch."
    ),
    gettext_noop(
        "Call emergency services now (for example 911 or 112). Then let your care team know."
    ),
    gettext_noop(
        "Contact your care team today. If you cannot reach them and you feel worse, "
        "go to an emergency department."
    ),
    gettext_noop("Your care team will review your check-in. Contact them if you feel worse."),
]

# reminders/plan.py: kind labels, titles and texts.
PLAN_LABELS = [
    gettext_noop("check-in"),
    gettext_noop("lifting restriction"),
    gettext_noop("end of the lifting restriction"),
    gettext_noop("activity"),
    gettext_noop("physical therapy"),
    gettext_noop("pain medicine"),
    gettext_noop("back brace"),
    gettext_noop("follow-up imaging"),
    gettext_noop("bone medicine"),
    gettext_noop("calcium and vitamin D"),
    gettext_noop("fall prevention"),
    gettext_noop("bone-health follow-up"),
    gettext_noop("new fracture signs"),
]

# reminders/plan.py: each item's title and text.
PLAN_TEXTS = [
    gettext_noop("Time for your check-in"),
    gettext_noop(
        "Please take a minute to log today's pain score and any symptoms in the app. It helps your care team see how your back is healing."
    ),
    gettext_noop("No heavy lifting yet"),
    gettext_noop(
        "Your spine is still settling after the procedure. Please do not lift anything heavy until {until}. Walking and light everyday tasks are fine."
    ),
    gettext_noop("Your lifting restriction ends today"),
    gettext_noop(
        "From today, {until}, the lifting restriction is over. Ease back into your normal activities step by step over the coming days, and stop if the pain comes back."
    ),
    gettext_noop("A short walk is good for you"),
    gettext_noop(
        "Getting up and walking helps your recovery. Short walks and light activity are fine from now on; rest when you need to."
    ),
    gettext_noop("Back-strengthening exercises"),
    gettext_noop(
        "If your care team suggested exercises or physical therapy to strengthen your back, this is a good week to start. If you are not sure, ask them."
    ),
    gettext_noop("How is your pain medicine going?"),
    gettext_noop(
        "Most people no longer need strong (opioid) pain medicine about a week after the procedure. If you still need it, please tell your care team."
    ),
    gettext_noop("Do you still wear a back brace?"),
    gettext_noop(
        "Most people stop wearing a back brace within about a month. If you still use one, ask your care team whether you can stop."
    ),
    gettext_noop("Follow-up X-ray or MRI"),
    gettext_noop(
        "If your care team ordered a follow-up X-ray or MRI, it is due around {due}. It checks that the bone has healed and that there is no new fracture. Please book it if you have not done so yet."
    ),
    gettext_noop("Your bone-strengthening medicine"),
    gettext_noop(
        "Medicine that strengthens your bones lowers the chance of another fracture. If it has been prescribed, please start it or keep taking it as your doctor told you."
    ),
    gettext_noop("Calcium and vitamin D"),
    gettext_noop(
        "Your bones need calcium and vitamin D. Ask your care team how much you should take, from food or as a supplement."
    ),
    gettext_noop("Keep your bones strong and avoid falls"),
    gettext_noop(
        "Balance exercises and gentle weight-bearing activity such as walking help keep your bones strong and make falls less likely. Not smoking and drinking little alcohol help too."
    ),
    gettext_noop("Book your bone-health follow-up"),
    gettext_noop(
        "The procedure treated the fracture; a follow-up visit treats the weak bones behind it. Please make sure you have an appointment around {due}."
    ),
    gettext_noop("Know the sign of a new fracture"),
    gettext_noop(
        "Sudden new back pain can mean a new fracture in another bone of the spine. If it happens, log a check-in in the app and call your care team."
    ),
]

# audit/api.py: what each line of the access log says someone did.
ACCESS_LOG_TEXTS = [
    gettext_noop("saw you in the list of patients"),
    gettext_noop("enrolled you"),
    gettext_noop("looked at your details"),
    gettext_noop("changed your details"),
    gettext_noop("made you a new sign-up code"),
    gettext_noop("looked at your procedures"),
    gettext_noop("recorded a procedure"),
    gettext_noop("looked at a procedure"),
    gettext_noop("changed a procedure"),
    gettext_noop("looked at your check-ins"),
    gettext_noop("looked at your reminders"),
    gettext_noop("looked at your alerts"),
    gettext_noop("looked at an alert"),
    gettext_noop("took up an alert"),
    gettext_noop("closed an alert"),
    gettext_noop("exported your record"),
    gettext_noop("looked at your record"),
    gettext_noop("changed your record"),
]

# The accept page's problems (caregivers/services.py), shown in the patient's language.
CAREGIVER_PROBLEMS = [
    gettext_noop(
        "This address belongs to a patient's or a care team's account. A caregiver needs an "
        "account of their own: ask for the invitation to be sent to another address."
    ),
    gettext_noop("An account with this address exists already: sign in to link it."),
    gettext_noop("This account already helps this patient."),
]
