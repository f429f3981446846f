from banshi.projects.models import Project


def test_the_api_lists_the_register_with_its_filters(reg, client):
    body = client.get("/api/v1/projects", {"level": "community", "area": "500113"}).json()
    assert body["count"] == 2 and body["pages"] == 1
    assert [p["code"] for p in body["results"]] == ["BN-1", "BN-2"]
    assert body["results"][0]["parent"] == reg.parent.pk
    assert client.get("/api/v1/projects", {"year": 2025}).json()["count"] == 1
    assert client.get("/api/v1/projects", {"q": "lifts"}).json()["results"][0]["code"] == "CQ-1"


def test_a_bad_filter_is_a_400_naming_it(reg, client):
    response = client.get("/api/v1/projects", {"level": "planet"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "level"
    assert client.get("/api/v1/projects", {"area": "abc"}).status_code == 400


def test_one_project_with_its_indicators_milestones_and_children(reg, client):
    body = client.get(f"/api/v1/projects/{reg.parent.pk}").json()
    assert body["children"] == [reg.first.pk, reg.second.pk]
    assert [(i["code"], i["target"]) for i in body["indicators"]] == [
        ("communities", "2.00"),
        ("households", "400.00"),
    ]
    child = client.get(f"/api/v1/projects/{reg.first.pk}").json()
    assert child["milestones"][0]["title"] == "Pipes replaced"
    assert "owners" not in child
    assert client.get(f"/api/v1/projects/{Project.objects.order_by('-pk').first().pk + 1}").status_code == 404
