"""Lecture programmes, speakers, venues, quotas, lectures, registrations, check-ins and ratings."""
