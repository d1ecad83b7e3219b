def test_vladivostok_trip_answer_cites_the_twenty_hour_journey(seed_engine):
    answer = seed_engine.ask("How long does the trip to Vladivostok take?")
    assert answer.answerable
    assert "20" in answer.answer
    assert any("20-hour" in c.quote or "20 hours" in c.quote for c in answer.citations)
