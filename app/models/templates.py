"""Templates and their immutable published versions."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import BigId, Json, UTCDateTime, utcnow


class Template(db.Model):
    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(64), default="transactional")
    description: Mapped[str] = mapped_column(String(1024), default="")
    # The version API sends use; None until first published. No FK: the two tables
    # would reference each other, and versions only go away with their template.
    published_version_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    versions: Mapped[list["TemplateVersion"]] = relationship(
        back_populates="template",
        foreign_keys="TemplateVersion.template_id",
        order_by="TemplateVersion.version",
        cascade="all, delete-orphan",
    )
    published_version: Mapped["TemplateVersion | None"] = relationship(
        primaryjoin="foreign(Template.published_version_id) == TemplateVersion.id",
        viewonly=True,
    )


class TemplateVersion(db.Model):
    """Content per locale and channel.

    content = {"en": {"push": {"title", "body", ...}, "sms": {"text"},
                      "email": {"subject", "preheader", "html", "text"}}, "fr": {...}}
    """

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_template_versions"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    default_locale: Mapped[str] = mapped_column(String(35), default="en")
    content: Mapped[dict] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(320))

    template: Mapped[Template] = relationship(back_populates="versions", foreign_keys=[template_id])
