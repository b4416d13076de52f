def test_health_answers_ok_when_database_and_broker_answer(client, db):
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    assert response.json()["database"] is True
