from config.routers import PrimaryReplicaRouter, analytics_db


def test_analytics_read_the_replica_only_when_one_is_configured(settings):
    assert analytics_db() == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert analytics_db() == "replica"


def test_everything_else_reads_and_writes_the_primary():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(object) == router.db_for_write(object) == "default"
    assert router.allow_migrate("default", "quizbank") and not router.allow_migrate(
        "replica", "quizbank"
    )
