from tests.factories import CheckInFactory


def test_pages(app_client, patient, procedure):
    CheckInFactory(patient=patient, pain_score=4)
    c = app_client(patient.user)
    for path in ["/app/", "/app/history/", "/app/plan/", "/app/settings/", "/app/access-log/",
                 "/app/checkin/", "/app/offline/", "/app/sw.js", "/app/manifest.webmanifest"]:
        r = c.get(path)
        assert r.status_code == 200, (path, r.content[:3000])
    r = c.post("/app/checkin/", {"pain_score": "3"})
    assert r.status_code == 302, r.content
    print(r["Location"])
