"""The models' base class is Flask-SQLAlchemy's ``db.Model``.

``assess.extensions.Model`` shows the type checker a declared class; at run time it must
stay the class Flask-SQLAlchemy built, so the models keep its query property, repr and
metadata.
"""

from assess import models
from assess.extensions import Base, Model, db


def test_models_subclass_flask_sqlalchemy_model():
    assert Model is db.Model
    mapped = [m.class_ for m in Model.registry.mappers]
    assert models.Assessment in mapped and models.User in mapped
    assert all(issubclass(cls, db.Model) for cls in mapped)


def test_models_share_the_named_metadata():
    assert db.metadata is Base.metadata
    assert "assessments" in db.metadata.tables
    assert db.metadata.naming_convention["pk"] == "pk_%(table_name)s"
