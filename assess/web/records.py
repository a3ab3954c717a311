"""Records metadata on the web (issue 19): the decision's manifest as JSON for an archive
import, and the organisation's records defaults (admins)."""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    flash,
    json,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from ..i18n import lazy_text as _l
from ..operations import NotFound, ValidationFailed
from ..operations import agenda_documents as agenda_docs
from ..operations import decisions as decision_ops
from ..operations import meetings as meeting_ops
from ..operations import records as ops
from .access import roles_required
from .admin_organisation_data import (
    RETENTION_HELP,
    personal_data_choices,
    publicity_choices,
    yes_no,
)
from .admin_organisation_data import bp as admin_bp
from .decisions import bp as decisions_bp
from .meetings import bp as meetings_bp
from .util import apply_errors


@decisions_bp.get("/<int:decision_id>/records.json")
@login_required
def records_manifest(decision_id: int):
    try:
        decision = decision_ops.get_decision(current_user, decision_id)
    except NotFound:
        abort(404)
    body = json.dumps(ops.manifest(decision), ensure_ascii=False, indent=2)
    response = Response(body + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="records-decision-{decision.id}.json"'
    )
    return response


@meetings_bp.get("/<int:meeting_id>/agenda.pdf")
@login_required
def agenda_pdf(meeting_id: int):
    """The published agenda's PDF/A (404 before publication or before it is made)."""
    try:
        meeting = meeting_ops.get_meeting(current_user, meeting_id)
    except NotFound:
        abort(404)
    stored = agenda_docs.stored_agenda(meeting, request.args.get("language", "fi"))
    if stored is None or stored.pdf is None:
        abort(404)
    response = send_file(
        io.BytesIO(stored.pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=stored.filename.rsplit(".", 1)[0] + ".pdf",
        max_age=0,
    )
    response.headers["ETag"] = f'"{stored.pdf_sha256}"'
    return response


class RecordsDefaultsForm(FlaskForm):
    publicity_class = SelectField(_l("Publicity class"), validate_choice=False)
    retention_period = StringField(
        _l("Retention period"), validators=[Length(max=20)], description=RETENTION_HELP
    )
    personal_data = SelectField(_l("The documents contain personal data"), validate_choice=False)
    task_class = StringField(
        _l("Task class (optional)"),
        validators=[Length(max=40)],
        description=_l("Used for decisions whose type gives none, for example 05.01.00."),
    )


@admin_bp.route("/records", methods=["GET", "POST"])
@roles_required("admin")
def records_defaults():
    organisation = current_user.organisation
    current = ops.defaults_of(organisation)
    form = RecordsDefaultsForm(
        data={
            "publicity_class": current["publicity_class"],
            "retention_period": current["retention_period"],
            "personal_data": "yes" if current["personal_data"] else "no",
            "task_class": current["task_class"] or "",
        }
    )
    form.publicity_class.choices = publicity_choices()
    form.personal_data.choices = personal_data_choices()
    for name in ("publicity_class", "retention_period", "personal_data"):
        form[name].flags.required = True
    if form.validate_on_submit():
        try:
            ops.update_defaults(
                current_user,
                organisation,
                publicity_class=form.publicity_class.data,
                retention_period=form.retention_period.data,
                personal_data=yes_no(form.personal_data.data),
                task_class=form.task_class.data,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(str(_l("Changes saved.")), "success")
            return redirect(url_for("org_data.records_defaults"))
    status = 422 if form.errors else 200
    return render_template("admin/records_defaults.html", form=form), status
